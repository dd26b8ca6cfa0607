package dev.wasmesh.proxy.config;

import dev.wasmesh.stream.FilterManager;
import java.time.Duration;

/**
 * The proxy's limits, in one place, each with the Envoy setting it follows (docs/host-differences.md lists them with
 * Envoy's defaults). A zero duration or count means none.
 *
 * @param maxRequestHeadersBytes the request line and the header lines, each (Envoy {@code max_request_headers_kb},
 *     60 KiB)
 * @param bufferLimitBytes a body a filter buffers, and the bytes a connection may queue for writing before the
 *     stream feeding it stops reading (Envoy {@code per_connection_buffer_limit_bytes}, 1 MiB: its high watermark,
 *     and half of it the low one)
 * @param drainTimeout how long shutdown lets in-flight requests finish
 * @param requestHeadersTimeout from a request's first byte (a connection's opening, for its first request) to its
 *     last header line (Envoy {@code request_headers_timeout}, none by default there; 10 s here, against slowloris)
 * @param requestTimeout from a stream's start until the whole request is in (Envoy {@code request_timeout}, none)
 * @param streamIdleTimeout a stream with no bytes either way (Envoy {@code stream_idle_timeout}, 5 min)
 * @param idleTimeout a connection without streams (Envoy {@code common_http_protocol_options.idle_timeout}, 1 h)
 * @param maxConnections downstream connections open at once; more are closed as they arrive (Envoy's listener
 *     {@code connection_limit} / overload manager {@code global_downstream_max_connections}, none by default)
 */
public record Limits(
        int maxRequestHeadersBytes,
        long bufferLimitBytes,
        Duration drainTimeout,
        Duration requestHeadersTimeout,
        Duration requestTimeout,
        Duration streamIdleTimeout,
        Duration idleTimeout,
        int maxConnections) {
    /** An upstream response's status line and header lines, each (Envoy's default {@code max_response_headers_kb}). */
    public static final int UPSTREAM_MAX_HEADERS_BYTES = 60 * 1024;

    /** A chunk-size line of a chunked HTTP/1.1 body: 16 hex digits and a generous allowance for extensions. */
    public static final int CHUNK_LINE_MAX_BYTES = 4096;

    /** A request body the built-in echo upstream accepts. */
    public static final int ECHO_MAX_BODY_BYTES = 64 * 1024 * 1024;

    /**
     * The longest wait before a failed VM is started again under FAIL_RELOAD (the wait doubles from 1 s), and how
     * long a VM must stay up before the wait starts from 1 s again.
     */
    public static final long RELOAD_MAX_BACKOFF_MILLIS = 10_000;

    public static final Limits DEFAULT = new Limits(
            60 * 1024,
            FilterManager.DEFAULT_BUFFER_LIMIT_BYTES,
            Duration.ofSeconds(5),
            Duration.ofSeconds(10),
            Duration.ZERO,
            Duration.ofMinutes(5),
            Duration.ofHours(1),
            0);

    public Limits {
        if (maxRequestHeadersBytes < 1 || bufferLimitBytes < 1 || maxConnections < 0) {
            throw new IllegalArgumentException("limits must be positive (connections: 0 for none)");
        }
        for (Duration d :
                new Duration[] {drainTimeout, requestHeadersTimeout, requestTimeout, streamIdleTimeout, idleTimeout}) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("a timeout cannot be negative: " + d);
            }
        }
    }

    public Limits withMaxRequestHeadersBytes(int bytes) {
        return new Limits(
                bytes,
                bufferLimitBytes,
                drainTimeout,
                requestHeadersTimeout,
                requestTimeout,
                streamIdleTimeout,
                idleTimeout,
                maxConnections);
    }

    public Limits withBufferLimitBytes(long bytes) {
        return new Limits(
                maxRequestHeadersBytes,
                bytes,
                drainTimeout,
                requestHeadersTimeout,
                requestTimeout,
                streamIdleTimeout,
                idleTimeout,
                maxConnections);
    }

    public Limits withDrainTimeout(Duration d) {
        return new Limits(
                maxRequestHeadersBytes,
                bufferLimitBytes,
                d,
                requestHeadersTimeout,
                requestTimeout,
                streamIdleTimeout,
                idleTimeout,
                maxConnections);
    }

    public Limits withRequestHeadersTimeout(Duration d) {
        return new Limits(
                maxRequestHeadersBytes,
                bufferLimitBytes,
                drainTimeout,
                d,
                requestTimeout,
                streamIdleTimeout,
                idleTimeout,
                maxConnections);
    }

    public Limits withRequestTimeout(Duration d) {
        return new Limits(
                maxRequestHeadersBytes,
                bufferLimitBytes,
                drainTimeout,
                requestHeadersTimeout,
                d,
                streamIdleTimeout,
                idleTimeout,
                maxConnections);
    }

    public Limits withStreamIdleTimeout(Duration d) {
        return new Limits(
                maxRequestHeadersBytes,
                bufferLimitBytes,
                drainTimeout,
                requestHeadersTimeout,
                requestTimeout,
                d,
                idleTimeout,
                maxConnections);
    }

    public Limits withIdleTimeout(Duration d) {
        return new Limits(
                maxRequestHeadersBytes,
                bufferLimitBytes,
                drainTimeout,
                requestHeadersTimeout,
                requestTimeout,
                streamIdleTimeout,
                d,
                maxConnections);
    }

    public Limits withMaxConnections(int n) {
        return new Limits(
                maxRequestHeadersBytes,
                bufferLimitBytes,
                drainTimeout,
                requestHeadersTimeout,
                requestTimeout,
                streamIdleTimeout,
                idleTimeout,
                n);
    }

    /** The high watermark of a connection's write queue: past it the stream feeding it stops reading. */
    public int writeHighWatermark() {
        return (int) Math.min(Integer.MAX_VALUE, bufferLimitBytes);
    }

    /** The low watermark: below it the stream reads again. */
    public int writeLowWatermark() {
        return writeHighWatermark() / 2;
    }

    /** How often a worker looks for expired timeouts: often enough for the shortest one set, at most once a second. */
    public Duration sweepPeriod() {
        long min = 1000;
        for (Duration d : new Duration[] {requestHeadersTimeout, requestTimeout, streamIdleTimeout, idleTimeout}) {
            if (!d.isZero()) {
                min = Math.min(min, d.toMillis() / 4);
            }
        }
        return Duration.ofMillis(Math.max(10, min));
    }
}
