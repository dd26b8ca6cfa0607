package dev.wasmesh.bench;

/**
 * The headers of the benchmarked request and of its upstream response, the same for both hosts. Each request
 * builds fresh maps from these, as a proxy does for every stream.
 */
final class SampleExchange {
    static final String[] REQUEST_HEADERS = {
        ":method",
        "GET",
        ":path",
        "/",
        ":authority",
        "example.com",
        ":scheme",
        "http",
        "user-agent",
        "wasmesh-bench",
        "accept",
        "*/*",
    };
    static final String[] RESPONSE_HEADERS = {
        ":status", "200", "content-type", "text/plain", "content-length", "2",
    };

    private SampleExchange() {}
}
