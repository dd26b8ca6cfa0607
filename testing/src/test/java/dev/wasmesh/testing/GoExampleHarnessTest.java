package dev.wasmesh.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wasmesh.host.WasmFailure;
import dev.wasmesh.host.WasmFailureException;
import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.host.abi.StreamType;
import dev.wasmesh.host.stream.Action;
import dev.wasmesh.testsupport.Examples;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The harness driving examples/go, a filter on the official Go SDK built with Go's wasip1 port: the Go runtime
 * starts on the test clock, sleeps on it, runs goroutines and collects its garbage. examples/README.md documents
 * the filter.
 */
class GoExampleHarnessTest {
    private ProxyWasmHarness harness;

    /**
     * Go on Chicory is slow before the JIT has warmed up, slower still on a busy machine: these tests are about
     * behaviour, not speed, so each callback gets far more than the default second.
     */
    private static HarnessBuilder goExample() {
        return ProxyWasmHarness.load(Examples.wasm("go")).rootId("go_root").callbackDeadline(Duration.ofSeconds(30));
    }

    private ProxyWasmHarness start() {
        return start(goExample().pluginConfig("hello").env("GO_EXAMPLE", "from the vm"));
    }

    private ProxyWasmHarness start(HarnessBuilder builder) {
        harness = builder.start();
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
    void startsOnTheTestClockAndLogsItsConfigurationAndStdout() {
        ProxyWasmHarness h = start();
        assertThat(h.failed()).isFalse();
        assertThat(h.logs().messages(LogLevel.INFO)).contains("go: stdout hello", "go: configured with \"hello\"");
        assertThat(h.tickPeriod()).isEqualTo(Duration.ofSeconds(1));
        assertThat(h.metrics().values()).containsKeys("go_requests", "go_inflight");
    }

    @Test
    void setsResponseHeadersAndCountsRequests() {
        start();
        HttpStream s = request("/metric?x=1");
        assertThat(s.requestHeaders().first("x-go-requests")).isEqualTo("1");
        assertThat(s.requestHeaders().first("x-go-inflight")).isEqualTo("1");
        assertThat(s.requestHeaders().first("x-go-path")).isEqualTo("/metric?x=1");
        assertThat(s.sendResponseHeaders(Map.of(":status", "200"), true)).isEqualTo(Action.CONTINUE);
        assertThat(s.responseHeaders().first("hello")).isEqualTo("world");
        assertThat(s.responseHeaders().first("x-go")).isEqualTo("yes");
        s.close();
        assertThat(harness.metrics().counter("go_requests")).isEqualTo(1);
        assertThat(harness.metrics().gauge("go_inflight")).isZero();
    }

    @Test
    void bodiesAreBufferedAndRewritten() {
        start();
        HttpStream s = harness.newHttpStream();
        s.sendRequestHeaders(Map.of(":method", "POST", ":path", "/upload", "x-buffer", "yes"), false);
        assertThat(s.sendRequestBody("hello ", false)).isEqualTo(Action.PAUSE);
        assertThat(s.sendRequestBody("go", true)).isEqualTo(Action.CONTINUE);
        assertThat(s.requestBody()).isEqualTo("HELLO GO");
        s.sendResponseHeaders(Map.of(":status", "200", "x-buffer-response", "1"), false);
        assertThat(s.sendResponseBody("body", true)).isEqualTo(Action.CONTINUE);
        assertThat(s.responseBody()).isEqualTo("[go]body");
    }

    @Test
    void calloutResumesTheRequestWithTheAnswer() {
        ProxyWasmHarness h = start();
        HttpStream s = h.newHttpStream();
        assertThat(s.sendRequestHeaders(get("/callout"), true)).isEqualTo(Action.PAUSE);
        PendingHttpCall call = h.nextHttpCall();
        assertThat(call.cluster()).isEqualTo("backend");
        assertThat(call.path()).isEqualTo("/callout-target");
        assertThat(call.timeout()).isEqualTo(Duration.ofSeconds(5));
        call.respond(200, Map.of(), "pong");
        assertThat(s.continueCalls()).containsExactly(StreamType.HTTP_REQUEST);
        assertThat(s.requestHeaders().first("x-go-callout-status")).isEqualTo("200");
        assertThat(s.requestHeaders().first("x-go-callout-body")).isEqualTo("pong");
    }

    @Test
    void sharedDataAndTicks() {
        ProxyWasmHarness h = start();
        HttpStream s = harness.newHttpStream();
        s.sendRequestHeaders(Map.of(":method", "GET", ":path", "/shared", "x-value", "v1"), true);
        assertThat(s.requestHeaders().first("x-go-shared")).isEqualTo("v1");
        assertThat(h.sharedData("go_key")).contains("v1");

        assertThat(request("/ticks").requestHeaders().first("x-go-ticks")).isEqualTo("0");
        h.advanceClock(Duration.ofSeconds(3));
        assertThat(h.sharedData("go_ticks")).contains("3");
        assertThat(h.logs().messages(LogLevel.INFO)).contains("go: tick 1", "go: tick 2", "go: tick 3");
        assertThat(request("/ticks").requestHeaders().first("x-go-ticks")).isEqualTo("3");
    }

    @Test
    void aSleepMovesTheTestClockInsteadOfWaiting() {
        ProxyWasmHarness h = start();
        long before = h.clock().monotonicNanos();
        HttpStream s = request("/sleep");
        assertThat(Long.parseLong(s.requestHeaders().first("x-go-slept-ms"))).isBetween(50L, 60L);
        assertThat(h.clock().monotonicNanos() - before).isBetween(50_000_000L, 60_000_000L);
    }

    @Test
    void goroutinesThatSleepAllFinishWithinTheCallback() {
        start();
        for (int i = 0; i < 5; i++) {
            assertThat(request("/goroutines").requestHeaders().first("x-go-goroutines"))
                    .isEqualTo("5050");
        }
        assertThat(harness.failed()).isFalse();
    }

    @Test
    void heavyAllocationPerRequestStaysWithinTheMemoryLimit() {
        // 100 requests of 2 MiB of garbage each: only a collecting Go heap fits in 64 MiB.
        start(goExample().memoryLimitPages(1024));
        for (int i = 0; i < 100; i++) {
            HttpStream s = request("/alloc");
            assertThat(s.requestHeaders().first("x-go-alloc")).isEqualTo("2097152");
            s.close();
        }
        assertThat(harness.failed()).isFalse();
    }

    @Test
    void randomnessEnvironmentAndArguments() {
        start();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            String random = request("/random").requestHeaders().first("x-go-random");
            assertThat(random).hasSize(32);
            seen.add(random);
        }
        assertThat(seen).hasSize(3);
        HttpStream env = request("/env");
        assertThat(env.requestHeaders().first("x-go-env")).isEqualTo("from the vm");
        assertThat(env.requestHeaders().first("x-go-args")).isEqualTo("0");
    }

    @Test
    void aPanicTrapsAndFailsTheVmWithThePanicOnStderr() {
        ProxyWasmHarness h = start();
        HttpStream s = h.newHttpStream();
        assertThatThrownBy(() -> s.sendRequestHeaders(get("/panic"), true))
                .isInstanceOfSatisfying(WasmFailureException.class, e -> {
                    assertThat(e.failure().kind()).isEqualTo(WasmFailure.Kind.TRAP);
                    assertThat(e.failure().callback()).isEqualTo("proxy_on_request_headers");
                });
        assertThat(h.failed()).isTrue();
        assertThat(h.logs().messages(LogLevel.ERROR)).contains("panic: go: requested panic");
    }

    @Test
    void localReplyStopsTheRequest() {
        start();
        HttpStream s = harness.newHttpStream();
        assertThat(s.sendRequestHeaders(get("/local"), true)).isEqualTo(Action.PAUSE);
        assertThat(s.localResponse()).hasValueSatisfying(r -> {
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(r.bodyText()).isEqualTo("denied by go");
        });
    }
}
