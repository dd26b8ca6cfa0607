package dev.wasmesh.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.constructor.StandardConstructor;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * One value of a document, with its path ({@code a.b[2]}) and line: a scalar, a mapping or a list. The
 * conversions fail with a {@link ConfigException} that names both. A scalar's conversions read its text, so a
 * quoted {@code "8080"} is a number where a number is expected, as protobuf's JSON reader takes it.
 */
public final class ConfigValue {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(?:\\.(\\d{1,9}))?s");

    private final StrictYaml.Context ctx;
    private final Node node;
    private final String path;
    private ConfigMap map;
    private List<ConfigValue> items;

    ConfigValue(StrictYaml.Context ctx, Node node, String path) {
        this.ctx = ctx;
        this.node = node;
        this.path = path;
    }

    static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    StrictYaml.Context context() {
        return ctx;
    }

    Node node() {
        return node;
    }

    /** The dotted path from the document's root; empty for the root. */
    public String path() {
        return path;
    }

    /** 1-based line where the value starts; 0 if unknown. */
    public int line() {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }

    /** The name of the text the value was read from (empty if it has none). */
    public String source() {
        return ctx.source();
    }

    /** An error at this value: {@code source:line: path: problem}. */
    public ConfigException error(String problem) {
        return new ConfigException(ctx.source(), line(), path, problem);
    }

    /** {@code null}, {@code ~} (core schema) or nothing at all. */
    public boolean isNull() {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    public boolean isScalar() {
        return node instanceof ScalarNode;
    }

    public boolean isMap() {
        return node instanceof MappingNode;
    }

    public boolean isList() {
        return node instanceof SequenceNode;
    }

    /** A scalar's text; null is the empty string. */
    public String asString() throws ConfigException {
        if (!(node instanceof ScalarNode s)) {
            throw error("expected a single value, not a " + kind());
        }
        return isNull() ? "" : s.getValue();
    }

    /** The text of a scalar that is not null, else null: for a value that may be a word or a mapping. */
    public String textOrNull() {
        return node instanceof ScalarNode s && !isNull() ? s.getValue() : null;
    }

    /** A whole number ({@code _} between digits allowed). */
    public long asLong() throws ConfigException {
        String s = asString().trim();
        try {
            return Long.parseLong(s.replace("_", ""));
        } catch (NumberFormatException e) {
            throw error("expected a whole number, got '" + s + "'");
        }
    }

    public int asInt() throws ConfigException {
        long n = asLong();
        if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
            throw error(
                    "expected a whole number from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE + ", got " + n);
        }
        return (int) n;
    }

    /** {@code true} or {@code false}, in any case. */
    public boolean asBool() throws ConfigException {
        String s = asString().trim();
        if (s.equalsIgnoreCase("true")) {
            return true;
        }
        if (s.equalsIgnoreCase("false")) {
            return false;
        }
        throw error("expected true or false, got '" + s + "'");
    }

    /** A protobuf JSON duration: seconds with up to nine decimals and an {@code s}, such as {@code 5s} or {@code 0.250s}. */
    public Duration asDuration() throws ConfigException {
        String s = asString().trim();
        Matcher m = DURATION.matcher(s);
        if (!m.matches()) {
            throw error("expected a duration like 5s or 0.25s, got '" + s + "'");
        }
        long nanos = m.group(2) == null ? 0 : Long.parseLong((m.group(2) + "000000000").substring(0, 9));
        return Duration.ofSeconds(Long.parseLong(m.group(1)), nanos);
    }

    /** The mapping; the same {@link ConfigMap} (and its record of keys read) on every call. */
    public ConfigMap asMap() throws ConfigException {
        if (map == null) {
            if (!(node instanceof MappingNode m)) {
                throw error("expected a mapping (key: value), not a " + kind());
            }
            map = new ConfigMap(this, m);
        }
        return map;
    }

    /** The items of a list. */
    public List<ConfigValue> asList() throws ConfigException {
        if (!(node instanceof SequenceNode)) {
            throw error("expected a list, not a " + kind());
        }
        return listItems();
    }

    /** A single value as a one-item list, or a list's items. */
    public List<ConfigValue> oneOrList() throws ConfigException {
        if (node instanceof ScalarNode) {
            return List.of(this);
        }
        if (!(node instanceof SequenceNode)) {
            throw error("expected a value or a list of values, not a " + kind());
        }
        return listItems();
    }

    private List<ConfigValue> listItems() {
        if (items == null) {
            List<Node> nodes = ((SequenceNode) node).getValue();
            List<ConfigValue> out = new ArrayList<>(nodes.size());
            for (int i = 0; i < nodes.size(); i++) {
                out.add(new ConfigValue(ctx, nodes.get(i), path + "[" + i + "]"));
            }
            items = List.copyOf(out);
        }
        return items;
    }

    /** A list of single values, as text. */
    public List<String> asStrings() throws ConfigException {
        List<String> out = new ArrayList<>();
        for (ConfigValue item : asList()) {
            out.add(item.asString());
        }
        return out;
    }

    /** A mapping of single values, as text, in the document's order; every key counts as read. */
    public Map<String, String> asStringMap() throws ConfigException {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> e : asMap().entries().entrySet()) {
            out.put(e.getKey(), e.getValue().asString());
        }
        return out;
    }

    /**
     * The value as plain Java objects, as a YAML load makes them: {@code Map} (in order), {@code List}, {@code
     * String}, {@code Integer}/{@code Long}/{@code BigInteger}, {@code Double}, {@code Boolean} or null; for values
     * handed on whole (metadata, an opaque extension's fields).
     */
    public Object toPlain() {
        return new StandardConstructor(ctx.settings()).constructSingleDocument(Optional.of(node));
    }

    private String kind() {
        if (node instanceof MappingNode) {
            return "mapping";
        }
        return node instanceof SequenceNode ? "list" : "value";
    }

    @Override
    public String toString() {
        return (path.isEmpty() ? "(root)" : path) + " at line " + line();
    }
}
