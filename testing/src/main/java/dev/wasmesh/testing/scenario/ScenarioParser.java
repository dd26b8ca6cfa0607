package dev.wasmesh.testing.scenario;

import dev.wasmesh.config.ConfigException;
import dev.wasmesh.config.ConfigMap;
import dev.wasmesh.config.ConfigValue;
import dev.wasmesh.config.StrictYaml;
import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.host.module.ProxyWasmModule;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads scenario files: each YAML document is one scenario (a mapping) or a list of them. Every error names the
 * file, line and path of the value. This class reads a scenario's plugin settings; {@link StepParser} its steps and
 * {@link CheckParser} their expectations. The format is described in testing/README.md.
 */
public final class ScenarioParser {
    private static final Set<String> SCENARIO_KEYS = Set.of(
            "name",
            "filter",
            "engine",
            "rootId",
            "vmId",
            "pluginName",
            "pluginConfig",
            "vmConfig",
            "logLevel",
            "properties",
            "environment",
            "clusters",
            "foreignFunctions",
            "streamInfo",
            "expectStartFailure",
            "then",
            "steps");
    private static final Set<String> CHAINED_KEYS =
            Set.of("filter", "rootId", "vmId", "pluginName", "pluginConfig", "vmConfig", "logLevel", "environment");
    private static final Set<String> STREAM_INFO_KEYS =
            Set.of("source", "destination", "upstream", "protocol", "clusterName", "routeName", "connectionId");

    private final Path file;

    private ScenarioParser(Path file) {
        this.file = file;
    }

    /** Reads every scenario in {@code file}. */
    public static List<Scenario> parse(Path file) throws ScenarioException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ScenarioException(file, 0, "no such file");
        } catch (MalformedInputException e) {
            throw new ScenarioException(file, 0, "not UTF-8 text");
        } catch (IOException e) {
            throw new ScenarioException(file, 0, "cannot read: " + e.getMessage());
        }
        return parse(file, text);
    }

    /** Reads the scenarios in {@code text}; {@code file} names it in errors and anchors relative filter paths. */
    public static List<Scenario> parse(Path file, String text) throws ScenarioException {
        try {
            return new ScenarioParser(file).scenarios(text);
        } catch (ConfigException e) {
            throw new ScenarioException(file, e.line(), e.detail());
        }
    }

    private List<Scenario> scenarios(String text) throws ConfigException, ScenarioException {
        List<Scenario> out = new ArrayList<>();
        // The YAML 1.2 core schema: ~, null and an empty value are null; true/false are booleans.
        for (ConfigValue doc : StrictYaml.named(file.toString()).readAll(text)) {
            if (doc.isNull()) {
                continue;
            }
            for (ConfigValue item : doc.isList() ? doc.asList() : List.of(doc)) {
                out.add(scenario(item, out.size() + 1));
            }
        }
        if (out.isEmpty()) {
            throw new ScenarioException(file, 0, "no scenarios in file");
        }
        return out;
    }

    private Scenario scenario(ConfigValue v, int index) throws ConfigException {
        if (!v.isMap()) {
            throw v.error("a scenario must be a mapping (key: value lines)");
        }
        ConfigMap m = v.asMap();
        m.expectOnly(SCENARIO_KEYS);
        String name = m.string("name").orElse("scenario " + index);
        String filterName = m.string("filter", "");
        if (filterName.isBlank()) {
            throw m.error("scenario '" + name + "' needs 'filter' (the .wasm file, relative to this file)");
        }
        Path filter = relativeToFile(filterName);
        // An empty expectStartFailure expects any failure to start.
        String startFailure =
                m.has("expectStartFailure") ? m.get("expectStartFailure").asString() : null;
        List<Step> steps = new ArrayList<>();
        ConfigValue stepList = m.get("steps");
        if (stepList != null) {
            if (!stepList.isList()) {
                throw stepList.error("must be a list (lines starting with '- ')");
            }
            for (ConfigValue s : stepList.asList()) {
                steps.add(StepParser.step(s, steps.size() + 1));
            }
        }
        if (steps.isEmpty() && startFailure == null) {
            throw m.error("scenario '" + name + "' has no steps");
        }
        return new Scenario(file, m.line(), name, filter, settings(m), chained(m, filter), startFailure, steps);
    }

    /** {@code then:}: the filters after the scenario's own, each a plugin of its own (on a shared VM where Envoy shares). */
    private List<ChainedPlugin> chained(ConfigMap m, Path ownFilter) throws ConfigException {
        List<ChainedPlugin> out = new ArrayList<>();
        ConfigValue list = m.get("then");
        if (list == null) {
            return out;
        }
        if (!list.isList()) {
            throw list.error("must be a list of filters (lines starting with '- ')");
        }
        for (ConfigValue item : list.asList()) {
            ConfigMap p = item.asMap();
            p.expectOnly(CHAINED_KEYS);
            String filter = p.string("filter", "");
            out.add(new ChainedPlugin(
                    filter.isBlank() ? ownFilter : relativeToFile(filter),
                    p.string("rootId", ""),
                    p.string("vmId", ""),
                    p.string("pluginName", ""),
                    p.string("pluginConfig", ""),
                    p.string("vmConfig", ""),
                    logLevel(p),
                    p.has("environment") ? p.get("environment").asStringMap() : Map.of()));
        }
        return out;
    }

    private Path relativeToFile(String path) {
        Path dir = file.toAbsolutePath().getParent();
        return dir.resolve(path).normalize();
    }

    private static LogLevel logLevel(ConfigMap m) throws ConfigException {
        ConfigValue v = m.optional("logLevel").orElse(null);
        return v == null ? LogLevel.INFO : ScenarioValues.logLevel(v, v.asString());
    }

    private static PluginSettings settings(ConfigMap m) throws ConfigException {
        ProxyWasmModule.Engine engine = null;
        ConfigValue e = m.optional("engine").orElse(null);
        if (e != null) {
            engine = switch (e.asString().toLowerCase(Locale.ROOT)) {
                case "compiler" -> ProxyWasmModule.Engine.COMPILER;
                case "interpreter" -> ProxyWasmModule.Engine.INTERPRETER;
                default -> throw e.error("must be compiler or interpreter");
            };
        }
        Map<String, String> properties = Map.of();
        if (m.has("properties")) {
            ConfigMap props = m.map("properties");
            properties = props.value().asStringMap();
            for (String path : properties.keySet()) {
                if (path.isEmpty() || path.startsWith(".") || path.endsWith(".")) {
                    throw props.error(path, "bad property path '" + path + "'");
                }
            }
        }
        return new PluginSettings(
                engine,
                m.string("rootId", ""),
                m.string("vmId", ""),
                m.string("pluginName", ""),
                m.string("pluginConfig", ""),
                m.string("vmConfig", ""),
                logLevel(m),
                properties,
                m.has("environment") ? m.get("environment").asStringMap() : Map.of(),
                m.has("clusters") ? ScenarioValues.strings(m.get("clusters")) : null,
                foreignFunctions(m),
                streamFacts(m));
    }

    private static Map<String, PluginSettings.ForeignFunctionSpec> foreignFunctions(ConfigMap m)
            throws ConfigException {
        Map<String, PluginSettings.ForeignFunctionSpec> out = new LinkedHashMap<>();
        if (!m.has("foreignFunctions")) {
            return out;
        }
        for (Map.Entry<String, ConfigValue> f :
                m.map("foreignFunctions").entries().entrySet()) {
            String name = f.getKey();
            ConfigValue spec = f.getValue();
            if (spec.isNull() || "echo".equals(spec.textOrNull())) {
                out.put(name, new PluginSettings.ForeignFunctionSpec(true, ""));
                continue;
            }
            ConfigMap r = spec.asMap();
            for (String key : r.keys()) {
                if (!key.equals("returns")) {
                    throw r.error(key, "unknown key '" + key + "' (expected: returns; or write: " + name + ": echo)");
                }
            }
            out.put(name, new PluginSettings.ForeignFunctionSpec(false, r.requireString("returns")));
        }
        return out;
    }

    private static PluginSettings.StreamFacts streamFacts(ConfigMap m) throws ConfigException {
        if (!m.has("streamInfo")) {
            return new PluginSettings.StreamFacts("", "", "", "", "", "", 0);
        }
        ConfigMap s = m.map("streamInfo");
        s.expectOnly(STREAM_INFO_KEYS);
        for (String key : List.of("source", "destination", "upstream")) {
            String address = s.string(key, "");
            if (!address.isEmpty() && !address.matches(".+:\\d{1,5}")) {
                throw s.error(key, "must be host:port, got '" + address + "'");
            }
        }
        return new PluginSettings.StreamFacts(
                s.string("source", ""),
                s.string("destination", ""),
                s.string("upstream", ""),
                s.string("protocol", ""),
                s.string("clusterName", ""),
                s.string("routeName", ""),
                s.longValue("connectionId", 0));
    }
}
