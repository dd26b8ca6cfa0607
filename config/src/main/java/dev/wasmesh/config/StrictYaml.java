package dev.wasmesh.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;
import org.snakeyaml.engine.v2.schema.JsonSchema;

/**
 * Reads YAML 1.2 (and so JSON) text into {@link ConfigValue}s that remember where each value stands. A duplicate key
 * anywhere in a document is an error, as in JSON parsers that refuse them and in Envoy.
 *
 * <pre>{@code
 * ConfigMap root = StrictYaml.named("envoy.yaml").readOne(text).asMap();
 * String id = root.map("node").string("id", "");
 * root.done(); // any key nobody read is an error naming it
 * }</pre>
 */
public final class StrictYaml {
    private final String source;
    private boolean json;
    private String unreadProblem = "unknown key";

    private StrictYaml(String source) {
        this.source = source;
    }

    /** @param source what errors name the text by (its file name); empty for none */
    public static StrictYaml named(String source) {
        return new StrictYaml(source);
    }

    /**
     * Types plain scalars by YAML 1.2's JSON schema (only JSON's {@code true}, {@code false}, {@code null} and
     * numbers are typed; {@code True} or {@code ~} are strings), as a protobuf JSON reader sees them. The default
     * is the core schema. The schema matters to {@link ConfigValue#toPlain()} and null checks only: typed
     * accessors read a scalar's text.
     */
    public StrictYaml jsonSchema() {
        this.json = true;
        return this;
    }

    /** What {@link ConfigMap#done()} says of a key nobody read (default: "unknown key"). */
    public StrictYaml unreadKeys(String problem) {
        this.unreadProblem = problem;
        return this;
    }

    /** The text's one document; an empty text is a null value. */
    public ConfigValue readOne(String text) throws ConfigException {
        List<ConfigValue> docs = readAll(text);
        if (docs.size() > 1) {
            throw new ConfigException(source, docs.get(1).line(), "", "expected one document, found " + docs.size());
        }
        return docs.isEmpty() ? new ConfigValue(context(), nullNode(), "") : docs.get(0);
    }

    /** Every document of the text (documents separated by {@code ---}), each with the empty path. */
    public List<ConfigValue> readAll(String text) throws ConfigException {
        Context ctx = context();
        List<ConfigValue> out = new ArrayList<>();
        try {
            for (Node doc : new Compose(ctx.settings()).composeAllFromString(jsonTabs(text))) {
                checkKeys(ctx, doc, "", Collections.newSetFromMap(new IdentityHashMap<>()));
                out.add(new ConfigValue(ctx, doc, ""));
            }
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark()
                    .or(e::getContextMark)
                    .map(m -> m.getLine() + 1)
                    .orElse(0);
            throw new ConfigException(source, line, "", "invalid YAML: " + oneLine(e.getProblem()));
        } catch (YamlEngineException e) {
            throw new ConfigException(source, 0, "", "invalid YAML: " + oneLine(e.getMessage()));
        }
        return out;
    }

    private Context context() {
        LoadSettings settings = LoadSettings.builder()
                .setLabel(source.isEmpty() ? "config" : source)
                .setSchema(json ? new JsonSchema() : new CoreSchema())
                .build();
        return new Context(source, settings, unreadProblem);
    }

    private static Node nullNode() {
        return new ScalarNode(Tag.NULL, "", ScalarStyle.PLAIN);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ');
    }

    /** Refuses duplicate keys in every mapping of the document, before anything is read. */
    private static void checkKeys(Context ctx, Node node, String path, Set<Node> seen) throws ConfigException {
        if (!seen.add(node)) {
            return; // an alias of a node already checked
        }
        if (node instanceof MappingNode m) {
            Set<String> keys = new HashSet<>();
            for (NodeTuple t : m.getValue()) {
                ConfigValue key = new ConfigValue(ctx, t.getKeyNode(), path);
                String name = ConfigMap.keyText(key);
                String child = ConfigValue.child(path, name);
                if (!keys.add(name)) {
                    throw new ConfigException(ctx.source(), key.line(), child, "duplicate key '" + name + "'");
                }
                checkKeys(ctx, t.getValueNode(), child, seen);
            }
        } else if (node instanceof SequenceNode s) {
            List<Node> items = s.getValue();
            for (int i = 0; i < items.size(); i++) {
                checkKeys(ctx, items.get(i), path + "[" + i + "]", seen);
            }
        }
    }

    /**
     * JSON allows tabs between tokens, YAML only spaces where a line is indented. A text that is one flow collection
     * (a JSON document) has its tabs outside quoted strings read as spaces, so JSON indented with tabs (as Go's and
     * many other encoders write it) reads as it does in a JSON parser. Lines and columns stay as they were.
     */
    static String jsonTabs(String text) {
        int start = 0;
        while (start < text.length() && Character.isWhitespace(text.charAt(start))) {
            start++;
        }
        if (start == text.length()
                || (text.charAt(start) != '{' && text.charAt(start) != '[')
                || text.indexOf('\t') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text);
        char quote = 0;
        for (int i = start; i < out.length(); i++) {
            char c = out.charAt(i);
            if (quote == 0) {
                if (c == '"' || (c == '\'' && startsScalar(out, i))) {
                    quote = c;
                } else if (c == '\t') {
                    out.setCharAt(i, ' ');
                } else if (c == '#') {
                    while (i < out.length() && out.charAt(i) != '\n') {
                        i++;
                    }
                }
            } else if (quote == '"' && c == '\\') {
                i++;
            } else if (c == quote) {
                if (quote == '\'' && i + 1 < out.length() && out.charAt(i + 1) == '\'') {
                    i++; // '' inside a single-quoted scalar
                } else {
                    quote = 0;
                }
            }
        }
        return out.toString();
    }

    /** Whether a quote at {@code i} opens a scalar (an apostrophe inside a plain scalar does not). */
    private static boolean startsScalar(CharSequence text, int i) {
        return i == 0 || " \t\r\n{[,:".indexOf(text.charAt(i - 1)) >= 0;
    }

    /** What every value of one read shares. */
    record Context(String source, LoadSettings settings, String unreadProblem) {}
}
