package dev.wasmesh.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.host.abi.StreamType;
import dev.wasmesh.host.stream.Action;
import dev.wasmesh.testsupport.Examples;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The harness driving examples/rust-sdk, a filter on the official Rust SDK; examples/README.md documents it. */
class RustSdkExampleHarnessTest {
    private ProxyWasmHarness harness;

    private ProxyWasmHarness start() {
        harness = ProxyWasmHarness.load(Examples.wasm("rust-sdk"))
                .rootId("rust_sdk_root")
                .pluginConfig("hello")
                .start();
        return harness;
    }

    @AfterEach
    void closeHarness() {
        if (harness != null) {
            harness.close();
        }
    }

    private static Map<String, String> get(String path) {
        return Map.of(":method", "GET", ":path", path, ":authority", "example.com");
    }

    private HttpStream request(String path) {
        HttpStream s = harness.newHttpStream();
        assertThat(s.sendRequestHeaders(get(path), true)).isEqualTo(Action.CONTINUE);
        return s;
    }

    @Test
    void startsLogsItsConfigurationAndSetsATick() {
        ProxyWasmHarness h = start();
        assertThat(h.logs().messages(LogLevel.INFO)).contains("rust-sdk: configured with \"hello\"");
        assertThat(h.tickPeriod()).isEqualTo(Duration.ofSeconds(1));
        assertThat(h.metrics().values()).containsKey("rust_sdk_requests");
    }

    @Test
    void setsResponseHeadersAndCountsRequests() {
        start();
        request("/");
        HttpStream s = request("/metric?x=1");
        assertThat(s.requestHeaders().first("x-rust-sdk-requests")).isEqualTo("2");
        assertThat(s.requestHeaders().first("x-rust-sdk-path")).isEqualTo("/metric?x=1");
        s.sendResponseHeaders(Map.of(":status", "200"), true);
        assertThat(s.responseHeaders().first("hello")).isEqualTo("world");
        assertThat(s.responseHeaders().first("x-rust-sdk")).isEqualTo("yes");
        assertThat(harness.metrics().counter("rust_sdk_requests")).isEqualTo(2);
    }

    @Test
    void bodiesAreBufferedAndRewritten() {
        start();
        HttpStream s = harness.newHttpStream();
        s.sendRequestHeaders(Map.of(":method", "POST", ":path", "/upload", "x-buffer", "yes"), false);
        assertThat(s.sendRequestBody("hello ", false)).isEqualTo(Action.PAUSE);
        assertThat(s.sendRequestBody("rust", true)).isEqualTo(Action.CONTINUE);
        assertThat(s.requestBody()).isEqualTo("HELLO RUST");
        s.sendResponseHeaders(Map.of(":status", "200", "x-buffer-response", "1"), false);
        assertThat(s.sendResponseBody("body", true)).isEqualTo(Action.CONTINUE);
        assertThat(s.responseBody()).isEqualTo("[rust-sdk]body");
    }

    @Test
    void calloutResumesTheRequestWithTheAnswer() {
        ProxyWasmHarness h = start();
        HttpStream s = h.newHttpStream();
        assertThat(s.sendRequestHeaders(get("/callout"), true)).isEqualTo(Action.PAUSE);
        PendingHttpCall call = h.nextHttpCall();
        assertThat(call.cluster()).isEqualTo("backend");
        assertThat(call.path()).isEqualTo("/callout-target");
        call.respond(200, Map.of(), "pong");
        assertThat(s.continueCalls()).containsExactly(StreamType.HTTP_REQUEST);
        assertThat(s.requestHeaders().first("x-rust-sdk-callout-status")).isEqualTo("200");
        assertThat(s.requestHeaders().first("x-rust-sdk-callout-body")).isEqualTo("pong");
    }

    @Test
    void sharedDataAndTicks() {
        ProxyWasmHarness h = start();
        HttpStream s = h.newHttpStream();
        s.sendRequestHeaders(Map.of(":method", "GET", ":path", "/shared", "x-value", "v1"), true);
        assertThat(s.requestHeaders().first("x-rust-sdk-shared")).isEqualTo("v1");
        assertThat(request("/ticks").requestHeaders().first("x-rust-sdk-ticks")).isEqualTo("0");
        h.advanceClock(Duration.ofSeconds(2));
        assertThat(h.logs().messages(LogLevel.INFO)).contains("rust-sdk: tick 1", "rust-sdk: tick 2");
        assertThat(request("/ticks").requestHeaders().first("x-rust-sdk-ticks")).isEqualTo("2");
    }

    @Test
    void localReplyStopsTheRequest() {
        start();
        HttpStream s = harness.newHttpStream();
        assertThat(s.sendRequestHeaders(get("/local"), true)).isEqualTo(Action.PAUSE);
        assertThat(s.localResponse()).hasValueSatisfying(r -> {
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(r.bodyText()).isEqualTo("denied by rust-sdk");
            assertThat(r.headers().first("x-rust-sdk")).isEqualTo("local");
        });
    }
}
