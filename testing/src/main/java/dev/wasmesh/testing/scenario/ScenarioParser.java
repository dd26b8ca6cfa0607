package dev.wasmesh.testing.scenario;

import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.host.abi.StreamType;
import dev.wasmesh.host.module.ProxyWasmModule;
import dev.wasmesh.host.stream.Action;
import dev.wasmesh.host.stream.HeaderMap;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads scenario files: each YAML document is one scenario (a mapping) or a list of them. Every error names the
 * file and line. The format is described in testing/README.md.
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
    private static final List<String> ACTIONS = List.of(
            "requestHeaders",
            "requestBody",
            "requestTrailers",
            "responseHeaders",
            "responseBody",
            "responseTrailers",
            "httpCallResponse",
            "grpcResponse",
            "tick",
            "advanceClock",
            "enqueue",
            "callForeignFunction",
            "complete");
    private static final Set<String> STEP_MODIFIERS = Set.of("endOfStream", "stream", "expect");
    private static final Set<String> EXPECT_KEYS = Set.of(
            "action",
            "headers",
            "headersAbsent",
            "body",
            "forwardedBody",
            "trailers",
            "requestHeaders",
            "responseHeaders",
            "requestTrailers",
            "responseTrailers",
            "requestBody",
            "responseBody",
            "localResponse",
            "logs",
            "logsAbsent",
            "metrics",
            "pendingCallouts",
            "pendingGrpcCalls",
            "sharedData",
            "continued",
            "closed",
            "tickPeriodMs",
            "failure");
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
        return new ScenarioParser(file).scenarios(text);
    }

    private List<Scenario> scenarios(String text) throws ScenarioException {
        List<Scenario> out = new ArrayList<>();
        // The YAML 1.2 core schema: ~, null and an empty value are null; true/false are booleans.
        LoadSettings settings = LoadSettings.builder()
                .setLabel(file.toString())
                .setSchema(new CoreSchema())
                .build();
        try {
            for (Node doc : new Compose(settings).composeAllFromReader(new StringReader(text))) {
                if (YamlMap.isNull(doc)) {
                    continue;
                }
                List<Node> items = doc instanceof SequenceNode ? ((SequenceNode) doc).getValue() : List.of(doc);
                for (Node item : items) {
                    out.add(scenario(item, out.size() + 1));
                }
            }
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark()
                    .or(e::getContextMark)
                    .map(m -> m.getLine() + 1)
                    .orElse(0);
            throw new ScenarioException(file, line, "invalid YAML: " + e.getProblem());
        } catch (YamlEngineException e) {
            throw new ScenarioException(file, 0, "invalid YAML: " + e.getMessage());
        }
        if (out.isEmpty()) {
            throw new ScenarioException(file, 0, "no scenarios in file");
        }
        return out;
    }

    private Scenario scenario(Node node, int index) throws ScenarioException {
        YamlMap m = YamlMap.of(file, node, "a scenario");
        m.allowOnly(SCENARIO_KEYS, "a scenario");
        String name = m.string("name").orElse("scenario " + index);
        Path filter = m.string("filter")
                .filter(s -> !s.isBlank())
                .map(this::relativeToFile)
                .orElseThrow(() -> YamlMap.error(
                        file,
                        node,
                        "scenario '" + name + "' needs 'filter' (the .wasm " + "file, relative to this file)"));
        String startFailure = m.string("expectStartFailure").orElse(null);
        List<Step> steps = new ArrayList<>();
        if (m.has("steps")) {
            Node stepsNode = m.get("steps");
            if (!(stepsNode instanceof SequenceNode)) {
                throw YamlMap.error(file, stepsNode, "'steps' must be a list (lines starting with '- ')");
            }
            for (Node s : ((SequenceNode) stepsNode).getValue()) {
                steps.add(step(s, steps.size() + 1));
            }
        }
        if (steps.isEmpty() && startFailure == null) {
            throw YamlMap.error(file, node, "scenario '" + name + "' has no steps");
        }
        return new Scenario(file, m.line(), name, filter, settings(m), chained(m, filter), startFailure, steps);
    }

    /** {@code then:}: the filters after the scenario's own, each a plugin of its own (on a shared VM where Envoy shares). */
    private List<ChainedPlugin> chained(YamlMap m, Path ownFilter) throws ScenarioException {
        List<ChainedPlugin> out = new ArrayList<>();
        if (!m.has("then")) {
            return out;
        }
        Node list = m.get("then");
        if (!(list instanceof SequenceNode)) {
            throw YamlMap.error(file, list, "'then' must be a list of filters (lines starting with '- ')");
        }
        for (Node n : ((SequenceNode) list).getValue()) {
            YamlMap p = YamlMap.of(file, n, "a filter in 'then'");
            p.allowOnly(CHAINED_KEYS, "a filter in 'then'");
            out.add(new ChainedPlugin(
                    p.string("filter")
                            .filter(s -> !s.isBlank())
                            .map(this::relativeToFile)
                            .orElse(ownFilter),
                    p.string("rootId").orElse(""),
                    p.string("vmId").orElse(""),
                    p.string("pluginName").orElse(""),
                    p.string("pluginConfig").orElse(""),
                    p.string("vmConfig").orElse(""),
                    p.has("logLevel")
                            ? logLevel(p.get("logLevel"), p.string("logLevel").orElseThrow())
                            : LogLevel.INFO,
                    p.has("environment") ? YamlMap.stringMap(file, p.get("environment"), "'environment'") : Map.of()));
        }
        return out;
    }

    private Path relativeToFile(String path) {
        Path dir = file.toAbsolutePath().getParent();
        return dir.resolve(path).normalize();
    }

    private PluginSettings settings(YamlMap m) throws ScenarioException {
        ProxyWasmModule.Engine engine = null;
        if (m.has("engine")) {
            engine = switch (m.string("engine").orElseThrow().toLowerCase(Locale.ROOT)) {
                case "compiler" -> ProxyWasmModule.Engine.COMPILER;
                case "interpreter" -> ProxyWasmModule.Engine.INTERPRETER;
                default -> throw YamlMap.error(file, m.get("engine"), "'engine' must be compiler or interpreter");
            };
        }
        LogLevel level = LogLevel.INFO;
        if (m.has("logLevel")) {
            level = logLevel(m.get("logLevel"), m.string("logLevel").orElseThrow());
        }
        Map<String, String> properties =
                m.has("properties") ? YamlMap.stringMap(file, m.get("properties"), "'properties'") : Map.of();
        for (String path : properties.keySet()) {
            if (path.isEmpty() || path.startsWith(".") || path.endsWith(".")) {
                throw YamlMap.error(file, m.get("properties"), "bad property path '" + path + "'");
            }
        }
        return new PluginSettings(
                engine,
                m.string("rootId").orElse(""),
                m.string("vmId").orElse(""),
                m.string("pluginName").orElse(""),
                m.string("pluginConfig").orElse(""),
                m.string("vmConfig").orElse(""),
                level,
                properties,
                m.has("environment") ? YamlMap.stringMap(file, m.get("environment"), "'environment'") : Map.of(),
                m.has("clusters") ? YamlMap.strings(file, m.get("clusters"), "'clusters'") : null,
                foreignFunctions(m),
                streamFacts(m));
    }

    private Map<String, PluginSettings.ForeignFunctionSpec> foreignFunctions(YamlMap m) throws ScenarioException {
        Map<String, PluginSettings.ForeignFunctionSpec> out = new LinkedHashMap<>();
        if (!m.has("foreignFunctions")) {
            return out;
        }
        YamlMap f = m.map("foreignFunctions");
        for (String name : f.keys()) {
            Node spec = f.get(name);
            if (YamlMap.isNull(spec) || "echo".equals(YamlMap.scalarOrNull(spec))) {
                out.put(name, new PluginSettings.ForeignFunctionSpec(true, ""));
            } else {
                YamlMap r = YamlMap.of(file, spec, "foreign function '" + name + "'");
                r.allowOnly(Set.of("returns"), "foreign function '" + name + "' (or write: " + name + ": echo)");
                out.put(
                        name,
                        new PluginSettings.ForeignFunctionSpec(
                                false, r.requiredString("returns", "foreign function '" + name + "'")));
            }
        }
        return out;
    }

    private PluginSettings.StreamFacts streamFacts(YamlMap m) throws ScenarioException {
        if (!m.has("streamInfo")) {
            return new PluginSettings.StreamFacts("", "", "", "", "", "", 0);
        }
        YamlMap s = m.map("streamInfo");
        s.allowOnly(STREAM_INFO_KEYS, "'streamInfo'");
        for (String key : List.of("source", "destination", "upstream")) {
            String address = s.string(key).orElse("");
            if (!address.isEmpty() && !address.matches(".+:\\d{1,5}")) {
                throw YamlMap.error(file, s.get(key), "'" + key + "' must be host:port, got '" + address + "'");
            }
        }
        return new PluginSettings.StreamFacts(
                s.string("source").orElse(""),
                s.string("destination").orElse(""),
                s.string("upstream").orElse(""),
                s.string("protocol").orElse(""),
                s.string("clusterName").orElse(""),
                s.string("routeName").orElse(""),
                s.integer("connectionId").orElse(0L));
    }

    private LogLevel logLevel(Node node, String text) throws ScenarioException {
        try {
            return LogLevel.parse(text);
        } catch (IllegalArgumentException e) {
            throw YamlMap.error(file, node, e.getMessage());
        }
    }

    // ---- steps -----------------------------------------------------------------------------------------------

    private Step step(Node node, int index) throws ScenarioException {
        YamlMap m = YamlMap.of(file, node, "step " + index);
        List<String> actions = new ArrayList<>();
        for (String key : m.keys()) {
            if (ACTIONS.contains(key)) {
                actions.add(key);
            } else if (!STEP_MODIFIERS.contains(key)) {
                throw new ScenarioException(
                        file,
                        m.keyLine(key),
                        "unknown key '" + key + "' in step " + index
                                + " (actions: "
                                + String.join(", ", ACTIONS) + "; also: endOfStream, stream, expect)");
            }
        }
        if (actions.size() > 1) {
            throw YamlMap.error(
                    file,
                    node,
                    "step " + index + " has several actions (" + String.join(", ", actions) + "): write one per step");
        }
        if (actions.isEmpty() && !m.has("expect")) {
            throw YamlMap.error(file, node, "step " + index + " has neither an action nor 'expect'");
        }
        String label = actions.isEmpty() ? "expect" : actions.get(0);
        boolean eosAllowed = label.endsWith("Headers") || label.endsWith("Body");
        if (m.has("endOfStream") && !eosAllowed) {
            throw YamlMap.error(
                    file, m.get("endOfStream"), "'endOfStream' belongs to a headers or body step, not " + label);
        }
        StepAction action = actions.isEmpty() ? new StepAction.None() : action(label, m);
        String stream = m.string("stream").orElse(Step.MAIN_STREAM);
        List<Check> checks = m.has("expect") ? checks(m.map("expect")) : List.of();
        return new Step(index, m.line(), label, stream, action, checks);
    }

    private StepAction action(String key, YamlMap m) throws ScenarioException {
        Node v = m.get(key);
        boolean eos = m.bool("endOfStream", false);
        String what = "'" + key + "'";
        switch (key) {
            case "requestHeaders":
            case "responseHeaders":
                return new StepAction.Headers(direction(key), YamlMap.headers(file, v, what), eos);
            case "requestBody":
            case "responseBody":
                return new StepAction.Body(direction(key), YamlMap.strings(file, v, what), eos);
            case "requestTrailers":
            case "responseTrailers":
                return new StepAction.Trailers(direction(key), YamlMap.headers(file, v, what));
            case "httpCallResponse":
                return httpCallAnswer(v);
            case "grpcResponse":
                return grpcAnswer(v);
            case "tick": {
                long n = YamlMap.isNull(v) ? 1 : YamlMap.integer(file, v, what);
                if (n < 1 || n > 100_000) {
                    throw YamlMap.error(file, v, "'tick' must be between 1 and 100000 ticks, got " + n);
                }
                return new StepAction.Tick((int) n);
            }
            case "advanceClock":
                return new StepAction.AdvanceClock(duration(v));
            case "enqueue": {
                YamlMap e = YamlMap.of(file, v, what);
                e.allowOnly(Set.of("queue", "value", "vmId"), what);
                return new StepAction.Enqueue(
                        e.string("vmId").orElse(null),
                        e.requiredString("queue", what),
                        e.string("value").orElse(""));
            }
            case "callForeignFunction": {
                YamlMap f = YamlMap.of(file, v, what);
                f.allowOnly(Set.of("id", "args"), what);
                return new StepAction.ForeignCall(
                        (int) (long) f.integer("id").orElse(0L),
                        f.string("args").orElse(""));
            }
            default: // complete
                if (!YamlMap.bool(file, v, what)) {
                    throw YamlMap.error(file, v, "'complete' can only be true");
                }
                return new StepAction.Complete();
        }
    }

    private static Direction direction(String key) {
        return key.startsWith("request") ? Direction.REQUEST : Direction.RESPONSE;
    }

    private StepAction httpCallAnswer(Node v) throws ScenarioException {
        YamlMap a = YamlMap.of(file, v, "'httpCallResponse'");
        a.allowOnly(Set.of("status", "headers", "body", "trailers", "fail"), "'httpCallResponse'");
        boolean fail = a.bool("fail", false);
        if (fail && a.keys().size() > 1) {
            throw YamlMap.error(file, v, "'httpCallResponse' with fail: true takes no status, headers or body");
        }
        long status = a.integer("status").orElse(200L);
        if (status < 100 || status > 999) {
            throw YamlMap.error(file, a.get("status"), "'status' must be an HTTP status (100-999), got " + status);
        }
        return new StepAction.HttpCallAnswer(
                fail,
                (int) status,
                headersOrEmpty(a, "headers"),
                a.string("body").orElse(""),
                headersOrEmpty(a, "trailers"));
    }

    private StepAction grpcAnswer(Node v) throws ScenarioException {
        YamlMap g = YamlMap.of(file, v, "'grpcResponse'");
        g.allowOnly(
                Set.of(
                        "initialMetadata",
                        "message",
                        "messages",
                        "trailingMetadata",
                        "status",
                        "statusMessage",
                        "close"),
                "'grpcResponse'");
        if (g.has("message") && g.has("messages")) {
            throw YamlMap.error(file, v, "'grpcResponse' takes 'message' or 'messages', not both");
        }
        List<String> messages = g.has("message")
                ? List.of(g.string("message").orElseThrow())
                : g.has("messages") ? YamlMap.strings(file, g.get("messages"), "'messages'") : List.of();
        return new StepAction.GrpcAnswer(
                g.has("initialMetadata") ? headersOrEmpty(g, "initialMetadata") : null,
                messages,
                g.has("trailingMetadata") ? headersOrEmpty(g, "trailingMetadata") : null,
                g.bool("close", true),
                (int) (long) g.integer("status").orElse(0L),
                g.string("statusMessage").orElse(""));
    }

    private HeaderMap headersOrEmpty(YamlMap m, String key) throws ScenarioException {
        return m.has(key) ? YamlMap.headers(file, m.get(key), "'" + key + "'") : new HeaderMap();
    }

    /** A whole number of milliseconds, or text with a unit: 250ms, 2s, 1m. */
    private Duration duration(Node v) throws ScenarioException {
        String s = YamlMap.scalar(file, v, "'advanceClock'").trim();
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("(\\d+)\\s*(ms|s|m)?").matcher(s);
        if (!m.matches()) {
            throw YamlMap.error(
                    file,
                    v,
                    "'advanceClock' must be milliseconds or a duration like 250ms, 2s, 1m; " + "got '" + s + "'");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        return switch (unit) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofMillis(n);
        };
    }

    // ---- expectations ----------------------------------------------------------------------------------------

    private List<Check> checks(YamlMap e) throws ScenarioException {
        e.allowOnly(EXPECT_KEYS, "'expect'");
        List<Check> out = new ArrayList<>();
        for (String key : e.keys()) {
            out.add(check(key, e.get(key), e.keyLine(key)));
        }
        return out;
    }

    private Check check(String key, Node v, int line) throws ScenarioException {
        String what = "'" + key + "'";
        switch (key) {
            case "action": {
                String a = YamlMap.scalar(file, v, what).trim().toLowerCase(Locale.ROOT);
                if (!a.equals("continue") && !a.equals("pause")) {
                    throw YamlMap.error(file, v, "'action' must be continue or pause, got '" + a + "'");
                }
                return new Checks.ActionIs(line, null, a.equals("continue") ? Action.CONTINUE : Action.PAUSE);
            }
            case "headers":
            case "trailers":
                return new Checks.HeadersEqual(line, null, key.equals("trailers"), YamlMap.multiMap(file, v, what));
            case "requestHeaders":
            case "responseHeaders":
                return new Checks.HeadersEqual(line, direction(key), false, YamlMap.multiMap(file, v, what));
            case "requestTrailers":
            case "responseTrailers":
                return new Checks.HeadersEqual(line, direction(key), true, YamlMap.multiMap(file, v, what));
            case "headersAbsent":
                return new Checks.HeadersAbsent(line, null, YamlMap.strings(file, v, what));
            case "body":
            case "forwardedBody":
                return new Checks.BodyEquals(line, null, key.equals("forwardedBody"), YamlMap.scalar(file, v, what));
            case "requestBody":
            case "responseBody":
                return new Checks.BodyEquals(line, direction(key), false, YamlMap.scalar(file, v, what));
            case "localResponse":
                return localResponse(v, line);
            case "logs":
            case "logsAbsent":
                return logs(v, line, key.equals("logsAbsent"));
            case "metrics": {
                YamlMap m = YamlMap.of(file, v, what);
                Map<String, Long> values = new LinkedHashMap<>();
                for (String name : m.keys()) {
                    values.put(name, YamlMap.integer(file, m.get(name), "metric '" + name + "'"));
                }
                return new Checks.MetricValues(line, values);
            }
            case "pendingCallouts":
            case "pendingGrpcCalls":
                return pending(v, line, key.equals("pendingGrpcCalls"));
            case "sharedData": {
                YamlMap m = YamlMap.of(file, v, what);
                Map<String, String> values = new HashMap<>();
                for (String k : m.keys()) {
                    values.put(k, YamlMap.isNull(m.get(k)) ? null : YamlMap.scalar(file, m.get(k), "shared data"));
                }
                return new Checks.SharedData(line, values);
            }
            case "continued":
            case "closed": {
                List<StreamType> types = new ArrayList<>();
                for (String s : YamlMap.isNull(v) ? List.<String>of() : YamlMap.strings(file, v, what)) {
                    switch (s) {
                        case "request" -> types.add(StreamType.HTTP_REQUEST);
                        case "response" -> types.add(StreamType.HTTP_RESPONSE);
                        default -> throw YamlMap.error(file, v, what + " lists request or response, got '" + s + "'");
                    }
                }
                return new Checks.StreamCalls(line, key.equals("closed"), types);
            }
            case "tickPeriodMs":
                return new Checks.TickPeriod(line, YamlMap.integer(file, v, what));
            default: // failure
                return new Checks.Failure(line, YamlMap.scalar(file, v, what));
        }
    }

    private Check localResponse(Node v, int line) throws ScenarioException {
        String none = YamlMap.scalarOrNull(v);
        if (YamlMap.isNull(v) || "none".equals(none) || "false".equals(none)) {
            return new Checks.LocalResponseIs(line, true, null, null, null, Map.of());
        }
        YamlMap r = YamlMap.of(file, v, "'localResponse' (or: none)");
        r.allowOnly(Set.of("status", "body", "details", "headers"), "'localResponse'");
        return new Checks.LocalResponseIs(
                line,
                false,
                r.integer("status").map(Long::intValue).orElse(null),
                r.string("body").orElse(null),
                r.string("details").orElse(null),
                r.has("headers") ? YamlMap.multiMap(file, r.get("headers"), "'headers'") : Map.of());
    }

    private Check logs(Node v, int line, boolean absent) throws ScenarioException {
        YamlMap m = YamlMap.of(file, v, absent ? "'logsAbsent'" : "'logs'");
        List<Checks.LogText> texts = new ArrayList<>();
        for (String level : m.keys()) {
            LogLevel l = level.equals("any") ? null : logLevel(m.get(level), level);
            for (String t : YamlMap.strings(file, m.get(level), "logs '" + level + "'")) {
                texts.add(new Checks.LogText(l, t));
            }
        }
        return new Checks.Logs(line, absent, texts);
    }

    private Check pending(Node v, int line, boolean grpc) throws ScenarioException {
        String what = grpc ? "'pendingGrpcCalls'" : "'pendingCallouts'";
        if (!(v instanceof SequenceNode)) {
            long n = YamlMap.integer(file, v, what + " (a count or a list)");
            return new Checks.Pending(line, grpc, (int) n, List.of());
        }
        List<String> fields = grpc ? Checks.Pending.GRPC_FIELDS : Checks.Pending.HTTP_FIELDS;
        List<Map<String, String>> items = new ArrayList<>();
        for (Node item : ((SequenceNode) v).getValue()) {
            YamlMap m = YamlMap.of(file, item, what + " items");
            Map<String, String> fields0 = new LinkedHashMap<>();
            for (String k : m.keys()) {
                if (k.equals("headers") && !grpc) {
                    YamlMap.stringMap(file, m.get(k), "'headers'")
                            .forEach((h, val) -> fields0.put("header " + h.toLowerCase(Locale.ROOT), val));
                } else if (fields.contains(k)) {
                    fields0.put(k, YamlMap.scalar(file, m.get(k), "'" + k + "'"));
                } else {
                    throw YamlMap.error(
                            file,
                            m.get(k),
                            "unknown key '" + k + "' in " + what + " (expected one of: " + String.join(", ", fields)
                                    + (grpc ? "" : ", headers") + ")");
                }
            }
            items.add(fields0);
        }
        return new Checks.Pending(line, grpc, items.size(), items);
    }
}
