package dev.wasmesh.testing.scenario;

import dev.wasmesh.config.ConfigException;
import dev.wasmesh.config.ConfigMap;
import dev.wasmesh.config.ConfigValue;
import dev.wasmesh.host.stream.HeaderMap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a scenario's steps: one action each (or none) and its expectations ({@link CheckParser}). */
final class StepParser {
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
    private static final Pattern CLOCK = Pattern.compile("(\\d+)\\s*(ms|s|m)?");

    private StepParser() {}

    static Step step(ConfigValue v, int index) throws ConfigException {
        ConfigMap m = v.asMap();
        List<String> actions = new ArrayList<>();
        for (String key : m.keys()) {
            if (ACTIONS.contains(key)) {
                actions.add(key);
            } else if (!STEP_MODIFIERS.contains(key)) {
                throw m.error(
                        key,
                        "unknown key '" + key + "' in step " + index + " (actions: " + String.join(", ", ACTIONS)
                                + "; also: endOfStream, stream, expect)");
            }
        }
        if (actions.size() > 1) {
            throw m.error(
                    "step " + index + " has several actions (" + String.join(", ", actions) + "): write one per step");
        }
        if (actions.isEmpty() && !m.has("expect")) {
            throw m.error("step " + index + " has neither an action nor 'expect'");
        }
        String label = actions.isEmpty() ? "expect" : actions.get(0);
        boolean eosAllowed = label.endsWith("Headers") || label.endsWith("Body");
        if (m.has("endOfStream") && !eosAllowed) {
            throw m.error("endOfStream", "'endOfStream' belongs to a headers or body step, not " + label);
        }
        StepAction action = actions.isEmpty() ? new StepAction.None() : action(label, m);
        String stream = m.string("stream", Step.MAIN_STREAM);
        List<Check> checks = m.has("expect") ? CheckParser.checks(m.map("expect")) : List.of();
        return new Step(index, m.line(), label, stream, action, checks);
    }

    private static StepAction action(String key, ConfigMap m) throws ConfigException {
        ConfigValue v = m.get(key);
        boolean eos = m.bool("endOfStream", false);
        switch (key) {
            case "requestHeaders":
            case "responseHeaders":
                return new StepAction.Headers(direction(key), ScenarioValues.headers(v), eos);
            case "requestBody":
            case "responseBody":
                return new StepAction.Body(direction(key), ScenarioValues.strings(v), eos);
            case "requestTrailers":
            case "responseTrailers":
                return new StepAction.Trailers(direction(key), ScenarioValues.headers(v));
            case "httpCallResponse":
                return httpCallAnswer(v);
            case "grpcResponse":
                return grpcAnswer(v);
            case "tick": {
                long n = v.isNull() ? 1 : v.asLong();
                if (n < 1 || n > 100_000) {
                    throw v.error("must be between 1 and 100000 ticks, got " + n);
                }
                return new StepAction.Tick((int) n);
            }
            case "advanceClock":
                return new StepAction.AdvanceClock(clock(v));
            case "enqueue": {
                ConfigMap e = v.asMap();
                e.expectOnly(Set.of("queue", "value", "vmId"));
                return new StepAction.Enqueue(e.string("vmId", null), e.requireString("queue"), e.string("value", ""));
            }
            case "callForeignFunction": {
                ConfigMap f = v.asMap();
                f.expectOnly(Set.of("id", "args"));
                return new StepAction.ForeignCall(f.intValue("id", 0), f.string("args", ""));
            }
            default: // complete
                if (!v.asBool()) {
                    throw v.error("can only be true");
                }
                return new StepAction.Complete();
        }
    }

    static Direction direction(String key) {
        return key.startsWith("request") ? Direction.REQUEST : Direction.RESPONSE;
    }

    private static StepAction httpCallAnswer(ConfigValue v) throws ConfigException {
        ConfigMap a = v.asMap();
        a.expectOnly(Set.of("status", "headers", "body", "trailers", "fail"));
        boolean fail = a.bool("fail", false);
        if (fail && a.keys().size() > 1) {
            throw a.error("with fail: true there is no status, headers or body");
        }
        long status = a.longValue("status", 200);
        if (status < 100 || status > 999) {
            throw a.error("status", "must be an HTTP status (100-999), got " + status);
        }
        return new StepAction.HttpCallAnswer(
                fail, (int) status, headersOrEmpty(a, "headers"), a.string("body", ""), headersOrEmpty(a, "trailers"));
    }

    private static StepAction grpcAnswer(ConfigValue v) throws ConfigException {
        ConfigMap g = v.asMap();
        g.expectOnly(Set.of(
                "initialMetadata", "message", "messages", "trailingMetadata", "status", "statusMessage", "close"));
        if (g.has("message") && g.has("messages")) {
            throw g.error("takes 'message' or 'messages', not both");
        }
        List<String> messages = g.has("message")
                ? List.of(g.get("message").asString())
                : g.has("messages") ? ScenarioValues.strings(g.get("messages")) : List.of();
        return new StepAction.GrpcAnswer(
                g.has("initialMetadata") ? headersOrEmpty(g, "initialMetadata") : null,
                messages,
                g.has("trailingMetadata") ? headersOrEmpty(g, "trailingMetadata") : null,
                g.bool("close", true),
                g.intValue("status", 0),
                g.string("statusMessage", ""));
    }

    private static HeaderMap headersOrEmpty(ConfigMap m, String key) throws ConfigException {
        return m.has(key) ? ScenarioValues.headers(m.get(key)) : new HeaderMap();
    }

    /** A whole number of milliseconds, or text with a unit: 250ms, 2s, 1m. */
    private static Duration clock(ConfigValue v) throws ConfigException {
        String s = v.asString().trim();
        Matcher m = CLOCK.matcher(s);
        if (!m.matches()) {
            throw v.error("expected milliseconds or a duration like 250ms, 2s, 1m; got '" + s + "'");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        return switch (unit) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofMillis(n);
        };
    }
}
