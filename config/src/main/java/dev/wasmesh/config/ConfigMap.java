package dev.wasmesh.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * A mapping read strictly: every accessor records the key as read, and {@link #done()} fails on a key nobody read
 * (or {@link #accept accepted}), so a field the program does not support is reported, never ignored. A key whose
 * value is null counts as absent for the accessors with a default. Keys are unique (checked when the document is
 * read).
 */
public final class ConfigMap {
    private final ConfigValue self;
    private final Map<String, ConfigValue> values = new LinkedHashMap<>();
    private final Map<String, ConfigValue> keyNodes = new LinkedHashMap<>();
    private final Set<String> read = new HashSet<>();

    ConfigMap(ConfigValue self, MappingNode node) throws ConfigException {
        this.self = self;
        for (NodeTuple t : node.getValue()) {
            ConfigValue key = new ConfigValue(self.context(), t.getKeyNode(), self.path());
            String name = keyText(key);
            keyNodes.put(name, key);
            values.put(name, new ConfigValue(self.context(), t.getValueNode(), child(name)));
        }
    }

    static String keyText(ConfigValue key) throws ConfigException {
        if (!key.isScalar()) {
            throw key.error("a key must be a single value");
        }
        return key.asString();
    }

    /** The mapping as a value (its path, line, plain form). */
    public ConfigValue value() {
        return self;
    }

    public String path() {
        return self.path();
    }

    public int line() {
        return self.line();
    }

    /** The path of a key of this mapping. */
    public String child(String key) {
        return ConfigValue.child(self.path(), key);
    }

    /** The keys, in the document's order. */
    public Set<String> keys() {
        return Collections.unmodifiableSet(values.keySet());
    }

    /** Whether the key is there (with any value, null too); does not count as reading it. */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** The line of a key (of the mapping's start if it is not there). */
    public int keyLine(String key) {
        ConfigValue k = keyNodes.get(key);
        return k == null ? line() : k.line();
    }

    /** The key's value, null if absent; counts as reading it. */
    public ConfigValue get(String key) {
        read.add(key);
        return values.get(key);
    }

    /** Every key's value in order; all count as read. */
    public Map<String, ConfigValue> entries() {
        read.addAll(values.keySet());
        return Collections.unmodifiableMap(values);
    }

    /** The key's value if it is there and not null. */
    public Optional<ConfigValue> optional(String key) {
        ConfigValue v = get(key);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v);
    }

    /** The key's value, which must be there and not null. */
    public ConfigValue require(String key) throws ConfigException {
        return optional(key).orElseThrow(() -> error(key, "required"));
    }

    public Optional<String> string(String key) throws ConfigException {
        ConfigValue v = optional(key).orElse(null);
        return v == null ? Optional.empty() : Optional.of(v.asString());
    }

    public String string(String key, String dflt) throws ConfigException {
        return string(key).orElse(dflt);
    }

    public String requireString(String key) throws ConfigException {
        return require(key).asString();
    }

    public Optional<Long> optLong(String key) throws ConfigException {
        ConfigValue v = optional(key).orElse(null);
        return v == null ? Optional.empty() : Optional.of(v.asLong());
    }

    public long longValue(String key, long dflt) throws ConfigException {
        return optLong(key).orElse(dflt);
    }

    public int intValue(String key, int dflt) throws ConfigException {
        ConfigValue v = optional(key).orElse(null);
        return v == null ? dflt : v.asInt();
    }

    public boolean bool(String key, boolean dflt) throws ConfigException {
        ConfigValue v = optional(key).orElse(null);
        return v == null ? dflt : v.asBool();
    }

    /** A protobuf JSON duration ({@code 5s}, {@code 0.25s}); see {@link ConfigValue#asDuration()}. */
    public Duration duration(String key, Duration dflt) throws ConfigException {
        ConfigValue v = optional(key).orElse(null);
        return v == null ? dflt : v.asDuration();
    }

    /** A nested mapping that must be there. */
    public ConfigMap map(String key) throws ConfigException {
        return require(key).asMap();
    }

    /** A nested mapping, or null if absent. */
    public ConfigMap optMap(String key) throws ConfigException {
        ConfigValue v = optional(key).orElse(null);
        return v == null ? null : v.asMap();
    }

    /**
     * A nested mapping, or an empty one (at the key's path, at this mapping's line) if absent or null: for messages
     * whose fields are all optional.
     */
    public ConfigMap mapOrEmpty(String key) throws ConfigException {
        ConfigValue v = optional(key).orElse(null);
        if (v != null) {
            return v.asMap();
        }
        Node at = self.node();
        MappingNode empty =
                new MappingNode(Tag.MAP, true, new ArrayList<>(), FlowStyle.FLOW, at.getStartMark(), at.getEndMark());
        return new ConfigValue(self.context(), empty, child(key)).asMap();
    }

    /** A list of mappings; empty if absent. */
    public List<ConfigMap> maps(String key) throws ConfigException {
        List<ConfigMap> out = new ArrayList<>();
        ConfigValue v = optional(key).orElse(null);
        if (v != null) {
            for (ConfigValue item : v.asList()) {
                out.add(item.asMap());
            }
        }
        return out;
    }

    /** A list of single values as text; empty if absent. */
    public List<String> strings(String key) throws ConfigException {
        ConfigValue v = optional(key).orElse(null);
        return v == null ? new ArrayList<>() : v.asStrings();
    }

    /** Counts keys as read without reading them: valid fields that change nothing. */
    public void accept(String... keys) {
        Collections.addAll(read, keys);
    }

    /** Counts every key as read: a mapping handed on whole. */
    public void acceptAll() {
        read.addAll(values.keySet());
    }

    /**
     * Refuses, up front, any key outside {@code allowed}, naming the allowed ones: for formats whose keys are
     * known before reading (unlike {@link #done()}, which names what was not read after reading).
     */
    public void expectOnly(Collection<String> allowed) throws ConfigException {
        for (String k : values.keySet()) {
            if (!allowed.contains(k)) {
                throw new ConfigException(
                        self.source(),
                        keyLine(k),
                        child(k),
                        "unknown key '" + k + "' (expected one of: " + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        }
    }

    /** Fails on the first key nobody read or accepted, naming the others too. */
    public void done() throws ConfigException {
        List<String> unread = new ArrayList<>();
        for (String k : values.keySet()) {
            if (!read.contains(k)) {
                unread.add(k);
            }
        }
        if (!unread.isEmpty()) {
            String first = unread.get(0);
            String more =
                    unread.size() == 1 ? "" : " (also: " + String.join(", ", unread.subList(1, unread.size())) + ")";
            throw new ConfigException(
                    self.source(), keyLine(first), child(first), self.context().unreadProblem() + more);
        }
    }

    /** An error about a key's value, at the key's line (at the mapping's if the key is not there). */
    public ConfigException error(String key, String problem) {
        return new ConfigException(self.source(), keyLine(key), child(key), problem);
    }

    /** An error at the mapping itself. */
    public ConfigException error(String problem) {
        return self.error(problem);
    }

    /** The mapping as plain Java objects (see {@link ConfigValue#toPlain()}). */
    public Map<?, ?> toPlain() {
        return (Map<?, ?>) self.toPlain();
    }
}
