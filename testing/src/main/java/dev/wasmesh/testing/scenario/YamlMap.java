package dev.wasmesh.testing.scenario;

import dev.wasmesh.host.stream.HeaderMap;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * A YAML mapping with string keys, read with typed accessors whose errors name the file and line. Also holds the
 * conversions of single nodes the scenario format uses.
 */
final class YamlMap {
    private final Path file;
    private final Node node;
    private final Map<String, Node> values = new LinkedHashMap<>();
    private final Map<String, Node> keys = new LinkedHashMap<>();

    private YamlMap(Path file, Node node) {
        this.file = file;
        this.node = node;
    }

    static YamlMap of(Path file, Node node, String what) throws ScenarioException {
        if (!(node instanceof MappingNode)) {
            throw error(file, node, what + " must be a mapping (key: value lines)");
        }
        YamlMap map = new YamlMap(file, node);
        for (NodeTuple t : ((MappingNode) node).getValue()) {
            String key = scalar(file, t.getKeyNode(), "a key");
            if (map.values.containsKey(key)) {
                throw error(file, t.getKeyNode(), "duplicate key '" + key + "'");
            }
            map.values.put(key, t.getValueNode());
            map.keys.put(key, t.getKeyNode());
        }
        return map;
    }

    Path file() {
        return file;
    }

    int line() {
        return line(node);
    }

    Set<String> keys() {
        return values.keySet();
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    Node get(String key) {
        return values.get(key);
    }

    int keyLine(String key) {
        return line(keys.get(key));
    }

    /** Rejects keys outside {@code allowed}, naming the allowed ones. */
    void allowOnly(Set<String> allowed, String where) throws ScenarioException {
        for (Map.Entry<String, Node> k : keys.entrySet()) {
            if (!allowed.contains(k.getKey())) {
                throw error(
                        file,
                        k.getValue(),
                        "unknown key '" + k.getKey() + "' in " + where + " (expected one of: "
                                + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        }
    }

    Optional<String> string(String key) throws ScenarioException {
        return has(key) ? Optional.of(scalar(file, get(key), "'" + key + "'")) : Optional.empty();
    }

    String requiredString(String key, String where) throws ScenarioException {
        if (!has(key)) {
            throw error(file, node, where + " needs '" + key + "'");
        }
        return scalar(file, get(key), "'" + key + "'");
    }

    Optional<Long> integer(String key) throws ScenarioException {
        return has(key) ? Optional.of(integer(file, get(key), "'" + key + "'")) : Optional.empty();
    }

    boolean bool(String key, boolean otherwise) throws ScenarioException {
        return has(key) ? bool(file, get(key), "'" + key + "'") : otherwise;
    }

    YamlMap map(String key) throws ScenarioException {
        return of(file, get(key), "'" + key + "'");
    }

    // ---- single nodes ----------------------------------------------------------------------------------------

    /** 1-based line of a node. */
    static int line(Node n) {
        return n == null ? 0 : n.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }

    static ScenarioException error(Path file, Node n, String message) {
        return new ScenarioException(file, line(n), message);
    }

    static boolean isNull(Node n) {
        return n instanceof ScalarNode && Tag.NULL.equals(n.getTag());
    }

    /** A non-null scalar's text, else null (for values that may be a word or a mapping). */
    static String scalarOrNull(Node n) {
        return n instanceof ScalarNode && !isNull(n) ? ((ScalarNode) n).getValue() : null;
    }

    /** Any scalar as text; null (~ or nothing) is the empty string. */
    static String scalar(Path file, Node n, String what) throws ScenarioException {
        if (!(n instanceof ScalarNode)) {
            throw error(file, n, what + " must be a single value, not a " + kind(n));
        }
        return isNull(n) ? "" : ((ScalarNode) n).getValue();
    }

    static long integer(Path file, Node n, String what) throws ScenarioException {
        String s = scalar(file, n, what);
        try {
            return Long.parseLong(s.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw error(file, n, what + " must be a whole number, got '" + s + "'");
        }
    }

    static boolean bool(Path file, Node n, String what) throws ScenarioException {
        String s = scalar(file, n, what).trim();
        if (s.equalsIgnoreCase("true")) {
            return true;
        }
        if (s.equalsIgnoreCase("false")) {
            return false;
        }
        throw error(file, n, what + " must be true or false, got '" + s + "'");
    }

    /** A sequence's items; a single scalar counts as a one-item list. */
    static List<Node> items(Path file, Node n, String what) throws ScenarioException {
        if (n instanceof SequenceNode) {
            return ((SequenceNode) n).getValue();
        }
        if (n instanceof ScalarNode) {
            return List.of(n);
        }
        throw error(file, n, what + " must be a value or a list of values");
    }

    static List<String> strings(Path file, Node n, String what) throws ScenarioException {
        List<String> out = new ArrayList<>();
        for (Node item : items(file, n, what)) {
            out.add(scalar(file, item, what + " items"));
        }
        return out;
    }

    /** A header map: name to value, or name to a list of values for a repeated header. */
    static HeaderMap headers(Path file, Node n, String what) throws ScenarioException {
        HeaderMap headers = new HeaderMap();
        for (Map.Entry<String, List<String>> e : multiMap(file, n, what).entrySet()) {
            for (String v : e.getValue()) {
                headers.add(HeaderMap.utf8(e.getKey()), HeaderMap.utf8(v));
            }
        }
        return headers;
    }

    static Map<String, List<String>> multiMap(Path file, Node n, String what) throws ScenarioException {
        YamlMap m = of(file, n, what);
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String key : m.keys()) {
            out.put(key, strings(file, m.get(key), what + " '" + key + "'"));
        }
        return out;
    }

    static Map<String, String> stringMap(Path file, Node n, String what) throws ScenarioException {
        YamlMap m = of(file, n, what);
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : m.keys()) {
            out.put(key, scalar(file, m.get(key), what + " '" + key + "'"));
        }
        return out;
    }

    private static String kind(Node n) {
        if (n instanceof MappingNode) {
            return "mapping";
        }
        return n instanceof SequenceNode ? "list" : "value";
    }
}
