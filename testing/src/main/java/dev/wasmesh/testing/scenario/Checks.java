package dev.wasmesh.testing.scenario;

import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.host.abi.StreamType;
import dev.wasmesh.host.shared.Metrics;
import dev.wasmesh.host.stream.Action;
import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.host.stream.LocalResponse;
import dev.wasmesh.testing.HttpStream;
import dev.wasmesh.testing.LogRecorder;
import dev.wasmesh.testing.PendingGrpcCall;
import dev.wasmesh.testing.PendingHttpCall;
import dev.wasmesh.testing.ProxyWasmHarness;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The expectations a step can state, one record per {@code expect} key. */
final class Checks {
    private Checks() {}

    /** A value as it appears in messages: quoted, with control characters escaped; null means absent. */
    static String quote(String s) {
        if (s == null) {
            return "(absent)";
        }
        return '"'
                + s.replace("\\", "\\\\")
                        .replace("\"", "\\\"")
                        .replace("\n", "\\n")
                        .replace("\r", "\\r")
                        .replace("\t", "\\t")
                + '"';
    }

    static String quote(List<String> values) {
        if (values.isEmpty()) {
            return "(absent)";
        }
        return values.size() == 1
                ? quote(values.get(0))
                : values.stream().map(Checks::quote).collect(Collectors.joining(", ", "[", "]"));
    }

    private static Optional<HttpStream> stream(RunState state, int line, List<Mismatch> out) {
        Optional<HttpStream> s = state.stream();
        if (s.isEmpty()) {
            out.add(new Mismatch(
                    "stream '" + state.currentName() + "'",
                    "opened by an earlier step",
                    "no step has used it yet",
                    line));
        }
        return s;
    }

    private static Direction pick(Direction own, Direction step) {
        return own != null ? own : step;
    }

    /** {@code action}: whether the direction is paused or flowing now. */
    record ActionIs(int line, Direction direction, Action expected) implements Check {
        @Override
        public void verify(RunState state, Direction step, List<Mismatch> out) {
            Direction d = pick(direction, step);
            stream(state, line, out).ifPresent(s -> {
                Action actual = d == Direction.REQUEST ? s.requestAction() : s.responseAction();
                if (actual != expected) {
                    out.add(new Mismatch(d.label() + " action", name(expected), name(actual), line));
                }
            });
        }

        private static String name(Action a) {
            return a.name().toLowerCase(Locale.ROOT);
        }
    }

    /** {@code headers}/{@code trailers}: each listed name has exactly these values (other names are ignored). */
    record HeadersEqual(int line, Direction direction, boolean trailers, Map<String, List<String>> expected)
            implements Check {
        @Override
        public void verify(RunState state, Direction step, List<Mismatch> out) {
            Direction d = pick(direction, step);
            String what = d.label() + (trailers ? " trailer" : " header");
            stream(state, line, out).ifPresent(s -> {
                Optional<HeaderMap> actual = map(s, d, trailers);
                if (actual.isEmpty()) {
                    out.add(new Mismatch(what + "s", "present", "none were sent or added", line));
                    return;
                }
                expected.forEach((name, values) -> {
                    List<String> got = textValues(actual.get(), name);
                    if (!got.equals(values)) {
                        out.add(new Mismatch(what + " " + quote(name), quote(values), quote(got), line));
                    }
                });
            });
        }
    }

    /** A header's values as text: the map holds byte strings, a scenario holds text. */
    private static List<String> textValues(HeaderMap map, String name) {
        return map.all(HeaderMap.utf8(name)).stream().map(HeaderMap::text).collect(Collectors.toList());
    }

    static Optional<HeaderMap> map(HttpStream s, Direction d, boolean trailers) {
        try {
            if (trailers) {
                return d == Direction.REQUEST ? s.requestTrailers() : s.responseTrailers();
            }
            return Optional.of(d == Direction.REQUEST ? s.requestHeaders() : s.responseHeaders());
        } catch (IllegalStateException notSentYet) {
            return Optional.empty();
        }
    }

    /** {@code headersAbsent}: none of these names is present. */
    record HeadersAbsent(int line, Direction direction, List<String> names) implements Check {
        @Override
        public void verify(RunState state, Direction step, List<Mismatch> out) {
            Direction d = pick(direction, step);
            stream(state, line, out).flatMap(s -> map(s, d, false)).ifPresent(h -> {
                for (String name : names) {
                    if (h.contains(HeaderMap.utf8(name))) {
                        out.add(new Mismatch(
                                d.label() + " header " + quote(name), "(absent)", quote(textValues(h, name)), line));
                    }
                }
            });
        }
    }

    /** {@code body}: the body as the filter left it; {@code forwardedBody}: everything it let through. */
    record BodyEquals(int line, Direction direction, boolean forwarded, String expected) implements Check {
        @Override
        public void verify(RunState state, Direction step, List<Mismatch> out) {
            Direction d = pick(direction, step);
            stream(state, line, out).ifPresent(s -> {
                String actual = forwarded
                        ? (d == Direction.REQUEST ? s.forwardedRequestBody() : s.forwardedResponseBody())
                        : (d == Direction.REQUEST ? s.requestBody() : s.responseBody());
                if (!actual.equals(expected)) {
                    out.add(new Mismatch(
                            (forwarded ? "forwarded " : "") + d.label() + " body",
                            quote(expected),
                            quote(actual),
                            line));
                }
            });
        }
    }

    /** {@code localResponse}: none, or one with these fields (unlisted fields are not checked). */
    record LocalResponseIs(
            int line, boolean none, Integer status, String body, String details, Map<String, List<String>> headers)
            implements Check {
        @Override
        public void verify(RunState state, Direction step, List<Mismatch> out) {
            stream(state, line, out).ifPresent(s -> {
                Optional<LocalResponse> actual = s.localResponse();
                if (none) {
                    actual.ifPresent(r -> out.add(new Mismatch("local response", "none", r.toString(), line)));
                    return;
                }
                if (actual.isEmpty()) {
                    out.add(new Mismatch("local response", "one sent", "none", line));
                    return;
                }
                LocalResponse r = actual.get();
                if (status != null && r.statusCode() != status) {
                    out.add(new Mismatch(
                            "local response status", status.toString(), Integer.toString(r.statusCode()), line));
                }
                if (body != null && !r.bodyText().equals(body)) {
                    out.add(new Mismatch("local response body", quote(body), quote(r.bodyText()), line));
                }
                if (details != null && !r.details().equals(details)) {
                    out.add(new Mismatch("local response details", quote(details), quote(r.details()), line));
                }
                headers.forEach((name, values) -> {
                    List<String> got = textValues(r.headers(), name);
                    if (!got.equals(values)) {
                        out.add(new Mismatch("local response header " + quote(name), quote(values), quote(got), line));
                    }
                });
            });
        }
    }

    /** One log expectation: some line at {@code level} (null: any level) contains {@code text}. */
    record LogText(LogLevel level, String text) {
        String describe() {
            return (level == null ? "any" : level.lowerName()) + " log containing " + quote(text);
        }
    }

    /** {@code logs} (each text is logged) or {@code logsAbsent} (none is). */
    record Logs(int line, boolean absent, List<LogText> texts) implements Check {
        @Override
        public void verify(RunState state, Direction step, List<Mismatch> out) {
            LogRecorder logs = state.harness().logs();
            for (LogText t : texts) {
                boolean found = t.level() == null ? logs.contains(t.text()) : logs.contains(t.level(), t.text());
                if (found == absent) {
                    out.add(new Mismatch(
                            t.describe(),
                            absent ? "none" : "at least one",
                            absent ? "logged" : logged(logs, t.level()),
                            line));
                }
            }
        }

        private static String logged(LogRecorder logs, LogLevel level) {
            List<String> lines = logs.entries().stream()
                    .filter(e -> level == null || e.level() == level)
                    .map(LogRecorder.Entry::toString)
                    .collect(Collectors.toList());
            if (lines.isEmpty()) {
                return "no lines" + (level == null ? "" : " at " + level.lowerName());
            }
            int from = Math.max(0, lines.size() - 8);
            return (from > 0 ? "last 8 lines: " : "lines: ") + String.join(" | ", lines.subList(from, lines.size()));
        }
    }

    /** {@code metrics}: counter and gauge values; for a histogram, its sample count. */
    record MetricValues(int line, Map<String, Long> expected) implements Check {
        @Override
        public void verify(RunState state, Direction step, List<Mismatch> out) {
            expected.forEach((name, value) -> {
                Optional<Metrics.Metric> m = state.harness().metrics().find(name);
                String actual = m.map(x -> Long.toString(x.value())).orElse("(not defined)");
                if (m.isEmpty() || m.get().value() != value) {
                    out.add(new Mismatch("metric " + quote(name), value.toString(), actual, line));
                }
            });
        }
    }

    /** {@code pendingCallouts}/{@code pendingGrpcCalls}: how many wait, and optionally what each one is. */
    record Pending(int line, boolean grpc, int count, List<Map<String, String>> items) implements Check {
        @Override
        public void verify(RunState state, Direction step, List<Mismatch> out) {
            ProxyWasmHarness h = state.harness();
            List<Map<String, String>> actual = grpc
                    ? h.pendingGrpcCalls().stream().map(Pending::describe).collect(Collectors.toList())
                    : h.pendingHttpCalls().stream().map(Pending::describe).collect(Collectors.toList());
            String what = grpc ? "pending gRPC calls" : "pending call-outs";
            if (actual.size() != count) {
                out.add(new Mismatch(what, Integer.toString(count), actual.size() + " " + actual, line));
                return;
            }
            for (int i = 0; i < items.size(); i++) {
                Map<String, String> got = actual.get(i);
                int n = i + 1;
                items.get(i).forEach((field, value) -> {
                    if (!value.equals(got.get(field))) {
                        out.add(new Mismatch(
                                what.substring(0, what.length() - 1) + " " + n + " " + field,
                                quote(value),
                                quote(got.get(field)),
                                line));
                    }
                });
            }
        }

        static final List<String> HTTP_FIELDS = List.of("cluster", "method", "path", "authority", "body", "timeoutMs");
        static final List<String> GRPC_FIELDS = List.of("cluster", "service", "method", "message", "timeoutMs");

        private static Map<String, String> describe(PendingHttpCall c) {
            Map<String, String> m = new java.util.LinkedHashMap<>();
            m.put("cluster", c.cluster());
            // Header fields as text, as the scenario states them.
            m.put("method", HeaderMap.text(c.method()));
            m.put("path", HeaderMap.text(c.path()));
            m.put("authority", HeaderMap.text(c.authority()));
            m.put("body", c.bodyText());
            m.put("timeoutMs", Long.toString(c.timeout().toMillis()));
            c.headers().toMap().forEach((k, v) -> m.put("header " + HeaderMap.text(k), HeaderMap.text(v)));
            return m;
        }

        private static Map<String, String> describe(PendingGrpcCall c) {
            Map<String, String> m = new java.util.LinkedHashMap<>();
            m.put("cluster", c.cluster());
            m.put("service", HeaderMap.text(c.service()));
            m.put("method", HeaderMap.text(c.method()));
            m.put("message", c.messageText());
            m.put("timeoutMs", Long.toString(c.timeout().toMillis()));
            return m;
        }
    }

    /** {@code sharedData}: key to value; a null value means the key must not exist. */
    record SharedData(int line, Map<String, String> expected) implements Check {
        @Override
        public void verify(RunState state, Direction step, List<Mismatch> out) {
            expected.forEach((key, value) -> {
                String actual = state.harness().sharedData(key).orElse(null);
                if (value == null ? actual != null : !value.equals(actual)) {
                    out.add(new Mismatch("shared data " + quote(key), quote(value), quote(actual), line));
                }
            });
        }
    }

    /** {@code continued}/{@code closed}: the stream's proxy_continue_stream or proxy_close_stream calls so far. */
    record StreamCalls(int line, boolean close, List<StreamType> expected) implements Check {
        @Override
        public void verify(RunState state, Direction step, List<Mismatch> out) {
            Function<HttpStream, List<StreamType>> calls = close ? HttpStream::closeCalls : HttpStream::continueCalls;
            stream(state, line, out).ifPresent(s -> {
                List<StreamType> actual = calls.apply(s);
                if (!actual.equals(expected)) {
                    out.add(new Mismatch(
                            (close ? "close" : "continue") + " calls", names(expected), names(actual), line));
                }
            });
        }

        private static String names(List<StreamType> types) {
            return types.stream()
                    .map(t -> t == StreamType.HTTP_REQUEST ? "request" : "response")
                    .collect(Collectors.joining(", ", "[", "]"));
        }
    }

    /** {@code tickPeriodMs}: the period the filter set. */
    record TickPeriod(int line, long millis) implements Check {
        @Override
        public void verify(RunState state, Direction step, List<Mismatch> out) {
            long actual = state.harness().tickPeriod().toMillis();
            if (actual != millis) {
                out.add(new Mismatch("tick period (ms)", Long.toString(millis), Long.toString(actual), line));
            }
        }
    }

    /** {@code failure}: the VM has failed, with a message containing this text. */
    record Failure(int line, String contains) implements Check {
        @Override
        public void verify(RunState state, Direction step, List<Mismatch> out) {
            String actual = state.harness().failure().map(Object::toString).orElse(null);
            if (actual == null || !actual.contains(contains)) {
                out.add(new Mismatch(
                        "filter failure",
                        "containing " + quote(contains),
                        actual == null ? "the filter has not failed" : quote(actual),
                        line));
            }
        }
    }
}
