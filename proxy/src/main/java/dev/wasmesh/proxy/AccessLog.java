package dev.wasmesh.proxy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Envoy's default access-log format, followed by the response code details:
 * {@code [START] "METHOD PATH PROTOCOL" CODE FLAGS RX TX DURATION "USER-AGENT" "X-REQUEST-ID" "AUTHORITY" "UPSTREAM" DETAILS}.
 */
final class AccessLog {
    private AccessLog() {}

    record Entry(Instant start, String method, String path, String protocol, int code, String flags, long received,
                 long sent, long durationMillis, String userAgent, String requestId, String authority,
                 String upstream, String details) {}

    static String format(Entry e) {
        return "[" + e.start().truncatedTo(ChronoUnit.MILLIS) + "] \"" + e.method() + " " + e.path() + " "
                + e.protocol() + "\" " + e.code() + " " + dash(e.flags()) + " " + e.received() + " " + e.sent()
                + " " + e.durationMillis() + " \"" + dash(e.userAgent()) + "\" \"" + dash(e.requestId()) + "\" \""
                + dash(e.authority()) + "\" \"" + dash(e.upstream()) + "\" " + dash(e.details());
    }

    private static String dash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }
}
