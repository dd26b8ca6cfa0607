package dev.wasmesh.proxy;

import java.time.Duration;

/**
 * Envoy's per-stream limits: request headers (max_request_headers_kb, 60 KiB by default), buffered bodies
 * (per_connection_buffer_limit_bytes, 1 MiB by default), and how long shutdown drains in-flight requests.
 */
public record Limits(int maxRequestHeadersBytes, long bufferLimitBytes, Duration drainTimeout) {
    public static final Limits DEFAULT = new Limits(60 * 1024, 1024 * 1024, Duration.ofSeconds(5));
}
