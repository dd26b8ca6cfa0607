package dev.wasmesh.testing.scenario;

import dev.wasmesh.config.ConfigException;
import dev.wasmesh.config.ConfigMap;
import dev.wasmesh.config.ConfigValue;
import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.host.abi.StreamType;
import dev.wasmesh.host.stream.Action;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads a step's {@code expect:} mapping into {@link Check}s, each at the line of its key. */
final class CheckParser {
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

    private CheckParser() {}

    static List<Check> checks(ConfigMap e) throws ConfigException {
        e.expectOnly(EXPECT_KEYS);
        List<Check> out = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> k : e.entries().entrySet()) {
            out.add(check(k.getKey(), k.getValue(), e.keyLine(k.getKey())));
        }
        return out;
    }

    private static Check check(String key, ConfigValue v, int line) throws ConfigException {
        switch (key) {
            case "action": {
                String a = v.asString().trim().toLowerCase(Locale.ROOT);
                if (!a.equals("continue") && !a.equals("pause")) {
                    throw v.error("must be continue or pause, got '" + a + "'");
                }
                return new Checks.ActionIs(line, null, a.equals("continue") ? Action.CONTINUE : Action.PAUSE);
            }
            case "headers":
            case "trailers":
                return new Checks.HeadersEqual(line, null, key.equals("trailers"), ScenarioValues.multiMap(v));
            case "requestHeaders":
            case "responseHeaders":
                return new Checks.HeadersEqual(line, StepParser.direction(key), false, ScenarioValues.multiMap(v));
            case "requestTrailers":
            case "responseTrailers":
                return new Checks.HeadersEqual(line, StepParser.direction(key), true, ScenarioValues.multiMap(v));
            case "headersAbsent":
                return new Checks.HeadersAbsent(line, null, ScenarioValues.strings(v));
            case "body":
            case "forwardedBody":
                return new Checks.BodyEquals(line, null, key.equals("forwardedBody"), v.asString());
            case "requestBody":
            case "responseBody":
                return new Checks.BodyEquals(line, StepParser.direction(key), false, v.asString());
            case "localResponse":
                return localResponse(v, line);
            case "logs":
            case "logsAbsent":
                return logs(v, line, key.equals("logsAbsent"));
            case "metrics": {
                Map<String, Long> values = new LinkedHashMap<>();
                for (Map.Entry<String, ConfigValue> m : v.asMap().entries().entrySet()) {
                    values.put(m.getKey(), m.getValue().asLong());
                }
                return new Checks.MetricValues(line, values);
            }
            case "pendingCallouts":
            case "pendingGrpcCalls":
                return pending(v, line, key.equals("pendingGrpcCalls"));
            case "sharedData": {
                Map<String, String> values = new HashMap<>();
                for (Map.Entry<String, ConfigValue> m : v.asMap().entries().entrySet()) {
                    values.put(
                            m.getKey(),
                            m.getValue().isNull() ? null : m.getValue().asString());
                }
                return new Checks.SharedData(line, values);
            }
            case "continued":
            case "closed": {
                List<StreamType> types = new ArrayList<>();
                for (ConfigValue item : v.isNull() ? List.<ConfigValue>of() : v.oneOrList()) {
                    switch (item.asString()) {
                        case "request" -> types.add(StreamType.HTTP_REQUEST);
                        case "response" -> types.add(StreamType.HTTP_RESPONSE);
                        default -> throw item.error("lists request or response, got '" + item.asString() + "'");
                    }
                }
                return new Checks.StreamCalls(line, key.equals("closed"), types);
            }
            case "tickPeriodMs":
                return new Checks.TickPeriod(line, v.asLong());
            default: // failure
                return new Checks.Failure(line, v.asString());
        }
    }

    private static Check localResponse(ConfigValue v, int line) throws ConfigException {
        String none = v.textOrNull();
        if (v.isNull() || "none".equals(none) || "false".equals(none)) {
            return new Checks.LocalResponseIs(line, true, null, null, null, Map.of());
        }
        if (!v.isMap()) {
            throw v.error("expected a mapping (status, body, details, headers) or none");
        }
        ConfigMap r = v.asMap();
        r.expectOnly(Set.of("status", "body", "details", "headers"));
        return new Checks.LocalResponseIs(
                line,
                false,
                r.optLong("status").map(Long::intValue).orElse(null),
                r.string("body", null),
                r.string("details", null),
                r.has("headers") ? ScenarioValues.multiMap(r.get("headers")) : Map.of());
    }

    private static Check logs(ConfigValue v, int line, boolean absent) throws ConfigException {
        ConfigMap m = v.asMap();
        List<Checks.LogText> texts = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> e : m.entries().entrySet()) {
            String level = e.getKey();
            LogLevel l = level.equals("any") ? null : ScenarioValues.logLevel(e.getValue(), level);
            for (String t : ScenarioValues.strings(e.getValue())) {
                texts.add(new Checks.LogText(l, t));
            }
        }
        return new Checks.Logs(line, absent, texts);
    }

    private static Check pending(ConfigValue v, int line, boolean grpc) throws ConfigException {
        if (!v.isList()) {
            if (!v.isScalar()) {
                throw v.error("expected a count or a list of calls");
            }
            return new Checks.Pending(line, grpc, v.asInt(), List.of());
        }
        List<String> fields = grpc ? Checks.Pending.GRPC_FIELDS : Checks.Pending.HTTP_FIELDS;
        List<Map<String, String>> items = new ArrayList<>();
        for (ConfigValue item : v.asList()) {
            ConfigMap m = item.asMap();
            Map<String, String> expected = new LinkedHashMap<>();
            for (Map.Entry<String, ConfigValue> e : m.entries().entrySet()) {
                String k = e.getKey();
                if (k.equals("headers") && !grpc) {
                    e.getValue()
                            .asStringMap()
                            .forEach((h, val) -> expected.put("header " + h.toLowerCase(Locale.ROOT), val));
                } else if (fields.contains(k)) {
                    expected.put(k, e.getValue().asString());
                } else {
                    throw m.error(
                            k,
                            "unknown key '" + k + "' (expected one of: " + String.join(", ", fields)
                                    + (grpc ? "" : ", headers") + ")");
                }
            }
            items.add(expected);
        }
        return new Checks.Pending(line, grpc, items.size(), items);
    }
}
