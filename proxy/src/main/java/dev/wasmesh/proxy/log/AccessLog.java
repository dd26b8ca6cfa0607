package dev.wasmesh.proxy.log;

import dev.wasmesh.host.stream.HeaderMap;
import java.time.Instant;

/**
 * Envoy's default access-log format, followed by the response code details:
 * {@code [START] "METHOD PATH PROTOCOL" CODE FLAGS RX TX DURATION "USER-AGENT" "X-REQUEST-ID" "AUTHORITY" "UPSTREAM" DETAILS}.
 * A line is a byte string ({@link HeaderMap#BYTES}): the request's fields as they arrived, the details in UTF-8.
 */
public final class AccessLog {
    /** A second formatted as {@link Instant#toString()} does, without the zone: requests in it share the text. */
    private record Second(long epochSecond, String text) {}

    private static volatile Second lastSecond = new Second(Long.MIN_VALUE, "");

    private AccessLog() {}

    public record Entry(
            Instant start,
            String method,
            String path,
            String protocol,
            int code,
            String flags,
            long received,
            long sent,
            long durationMillis,
            String userAgent,
            String requestId,
            String authority,
            String upstream,
            String details) {}

    /** Appends the line (without its line break) to {@code sb}. */
    static void appendTo(StringBuilder sb, Entry e) {
        sb.append('[');
        appendStart(sb, e.start());
        sb.append("] \"")
                .append(e.method())
                .append(' ')
                .append(e.path())
                .append(' ')
                .append(e.protocol())
                .append("\" ")
                .append(e.code())
                .append(' ')
                .append(dash(e.flags()))
                .append(' ')
                .append(e.received())
                .append(' ')
                .append(e.sent())
                .append(' ')
                .append(e.durationMillis())
                .append(" \"")
                .append(dash(e.userAgent()))
                .append("\" \"")
                .append(dash(e.requestId()))
                .append("\" \"")
                .append(dash(e.authority()))
                .append("\" \"")
                .append(dash(e.upstream()))
                .append("\" ")
                .append(dash(HeaderMap.utf8(e.details())));
    }

    /** {@code start} to the millisecond in ISO-8601, as {@code start.truncatedTo(MILLIS).toString()} writes it. */
    private static void appendStart(StringBuilder sb, Instant start) {
        Second s = lastSecond;
        if (s.epochSecond() != start.getEpochSecond()) {
            String whole = Instant.ofEpochSecond(start.getEpochSecond()).toString();
            s = new Second(start.getEpochSecond(), whole.substring(0, whole.length() - 1));
            lastSecond = s;
        }
        sb.append(s.text());
        int millis = start.getNano() / 1_000_000;
        if (millis > 0) { // Instant.toString leaves out a zero fraction
            sb.append('.')
                    .append((char) ('0' + millis / 100))
                    .append((char) ('0' + millis / 10 % 10))
                    .append((char) ('0' + millis % 10));
        }
        sb.append('Z');
    }

    private static String dash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }
}
