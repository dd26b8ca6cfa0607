package dev.wasmesh.proxy.envoy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JSON/YAML object of the Envoy configuration with its path, read strictly: every key must be read (or
 * explicitly accepted) before {@link #done}, so a field wasmesh does not support is reported, never ignored.
 */
final class Node {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(?:\\.(\\d{1,9}))?s");

    private final String path;
    private final Map<?, ?> map;
    private final Set<String> used = new HashSet<>();

    private Node(String path, Map<?, ?> map) {
        this.path = path;
        this.map = map;
    }

    static Node of(Object value, String path) throws EnvoyConfigException {
        if (!(value instanceof Map)) {
            throw new EnvoyConfigException(path + ": expected an object");
        }
        return new Node(path, (Map<?, ?>) value);
    }

    String path() {
        return path;
    }

    String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
        return map.containsKey(key);
    }

    Object raw(String key) {
        used.add(key);
        return map.get(key);
    }

    EnvoyConfigException error(String key, String message) {
        return new EnvoyConfigException(child(key) + ": " + message);
    }

    String string(String key, String dflt) throws EnvoyConfigException {
        Object v = raw(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof String || v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        throw error(key, "expected a string");
    }

    String requireString(String key) throws EnvoyConfigException {
        String s = string(key, null);
        if (s == null) {
            throw error(key, "required");
        }
        return s;
    }

    /** A protobuf enum value by name; Envoy reads the names of its YAML case-insensitively. */
    String enumName(String key, String dflt) throws EnvoyConfigException {
        String s = string(key, dflt);
        return s == null ? null : s.toUpperCase(java.util.Locale.ROOT);
    }

    long integer(String key, long dflt) throws EnvoyConfigException {
        Object v = raw(key);
        if (v == null) {
            return dflt;
        }
        try {
            return v instanceof Number ? ((Number) v).longValue() : Long.parseLong(v.toString());
        } catch (NumberFormatException e) {
            throw error(key, "expected an integer, got '" + v + "'");
        }
    }

    boolean bool(String key, boolean dflt) throws EnvoyConfigException {
        Object v = raw(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean) {
            return (Boolean) v;
        }
        throw error(key, "expected true or false");
    }

    /** A protobuf JSON duration such as {@code 5s} or {@code 0.250s}. */
    Duration duration(String key, Duration dflt) throws EnvoyConfigException {
        String s = string(key, null);
        if (s == null) {
            return dflt;
        }
        Matcher m = DURATION.matcher(s);
        if (!m.matches()) {
            throw error(key, "expected a duration like 5s or 0.25s, got '" + s + "'");
        }
        long nanos = m.group(2) == null ? 0 : Long.parseLong((m.group(2) + "000000000").substring(0, 9));
        return Duration.ofSeconds(Long.parseLong(m.group(1)), nanos);
    }

    Node object(String key) throws EnvoyConfigException {
        Object v = raw(key);
        if (v == null) {
            throw error(key, "required");
        }
        return of(v, child(key));
    }

    Node optObject(String key) throws EnvoyConfigException {
        return has(key) ? object(key) : null;
    }

    List<Node> objects(String key) throws EnvoyConfigException {
        Object v = raw(key);
        List<Node> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (!(v instanceof List)) {
            throw error(key, "expected a list");
        }
        List<?> list = (List<?>) v;
        for (int i = 0; i < list.size(); i++) {
            out.add(of(list.get(i), child(key) + "[" + i + "]"));
        }
        return out;
    }

    List<String> strings(String key) throws EnvoyConfigException {
        Object v = raw(key);
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (!(v instanceof List)) {
            throw error(key, "expected a list of strings");
        }
        for (Object o : (List<?>) v) {
            out.add(String.valueOf(o));
        }
        return out;
    }

    /** Keys that are valid Envoy fields with no effect on how wasmesh runs. */
    void accept(String... keys) {
        for (String k : keys) {
            used.add(k);
        }
    }

    /** The typed_config's {@code @type} must be {@code expected}. */
    void expectType(String expected) throws EnvoyConfigException {
        String t = string("@type", null);
        if (t == null) {
            throw error("@type", "required (" + expected + ")");
        }
        if (!t.equals(expected)) {
            throw error("@type", "wasmesh supports " + expected + " here, not " + t);
        }
    }

    Map<?, ?> map() {
        return map;
    }

    /** Fails on the first key nobody read. */
    void done() throws EnvoyConfigException {
        for (Object k : map.keySet()) {
            if (!used.contains(String.valueOf(k))) {
                throw new EnvoyConfigException(child(String.valueOf(k)) + ": field not supported by wasmesh");
            }
        }
    }
}
