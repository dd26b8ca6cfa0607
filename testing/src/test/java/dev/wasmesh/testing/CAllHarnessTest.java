package dev.wasmesh.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wasmesh.host.WasmFailure;
import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.host.abi.StreamType;
import dev.wasmesh.host.stream.Action;
import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.host.stream.LocalResponse;
import dev.wasmesh.testsupport.Examples;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The harness driving examples/c-all, whose behaviour examples/README.md documents. */
class CAllHarnessTest {
    private ProxyWasmHarness harness;

    private ProxyWasmHarness start(HarnessBuilder builder) {
        harness = builder.start();
        return harness;
    }

    private static HarnessBuilder cAll() {
        return ProxyWasmHarness.load(Examples.wasm("c-all"))
                .rootId("c_all_root")
                .pluginConfig("hello");
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

    @Test
    void startsAndReportsConfigurationStdoutAndTickPeriod() {
        ProxyWasmHarness h = start(cAll().vmConfig("vm-conf"));
        assertThat(h.logs().messages(LogLevel.INFO))
                .containsSubsequence("c-all stdout hello", "vm config: vm-conf", "plugin config: hello");
        assertThat(h.tickPeriod()).isEqualTo(Duration.ofSeconds(1));
        assertThat(h.metrics().values()).containsKeys("c_all_requests", "c_all_inflight", "c_all_body_size");
        assertThat(h.failed()).isFalse();
    }

    @Test
    void rejectedConfigurationFailsStartWithStderrLog() {
        assertThatThrownBy(() -> cAll().pluginConfig("fail").start())
                .isInstanceOfSatisfying(PluginStartException.class, e -> {
                    assertThat(e.failure().kind()).isEqualTo(WasmFailure.Kind.CONFIGURE_FAILED);
                    assertThat(e.getMessage()).contains("proxy_on_configure");
                    assertThat(e.logs().messages(LogLevel.ERROR)).contains("c-all: plugin configuration rejected");
                });
    }

    /**
     * Text headers go to the filter as UTF-8 ("José" is one byte longer in the map size it reads than "Jose"), a
     * HeaderMap's bytes as they are (a Latin-1 "José" is as long as "Jose").
     */
    @Test
    void textHeadersReachTheFilterAsUtf8AndByteStringsAsTheyAre() {
        ProxyWasmHarness h = start(cAll());
        long ascii = pairsSize(h.newHttpStream(), Map.of(":method", "GET", ":path", "/pairs", "x-value", "Jose"));
        HttpStream text = h.newHttpStream();
        assertThat(pairsSize(text, Map.of(":method", "GET", ":path", "/pairs", "x-value", "Jos\u00e9")))
                .isEqualTo(ascii + 1);
        assertThat(HeaderMap.text(text.requestHeaders().first("x-value"))).isEqualTo("Jos\u00e9");
        HttpStream bytes = h.newHttpStream();
        bytes.sendRequestHeaders(HeaderMap.of(":method", "GET", ":path", "/pairs", "x-value", "Jos\u00e9"), true);
        assertThat(Long.parseLong(bytes.requestHeaders().first("x-c-all-header-size")))
                .isEqualTo(ascii);
    }

    private static long pairsSize(HttpStream s, Map<String, String> headers) {
        s.sendRequestHeaders(headers, true);
        return Long.parseLong(s.requestHeaders().first("x-c-all-header-size"));
    }

    @Test
    void calloutIsHeldUntilTheTestAnswersIt() {
        ProxyWasmHarness h = start(cAll());
        HttpStream s = h.newHttpStream();
        assertThat(s.sendRequestHeaders(get("/callout"), true)).isEqualTo(Action.PAUSE);
        assertThat(s.requestAction()).isEqualTo(Action.PAUSE);

        PendingHttpCall call = h.nextHttpCall();
        assertThat(call.cluster()).isEqualTo("backend");
        assertThat(call.method()).isEqualTo("GET");
        assertThat(call.path()).isEqualTo("/callout-target");
        assertThat(call.authority()).isEqualTo("backend");
        assertThat(call.timeout()).isEqualTo(Duration.ofMillis(5000));
        assertThat(s.requestHeaders().contains("x-c-all-callout-status")).isFalse();

        call.respond(200, Map.of("x-up", "1"), "pong");

        assertThat(call.answered()).isTrue();
        assertThat(h.pendingHttpCalls()).isEmpty();
        assertThat(s.continueCalls()).containsExactly(StreamType.HTTP_REQUEST);
        assertThat(s.requestAction()).isEqualTo(Action.CONTINUE);
        HeaderMap headers = s.requestHeaders();
        assertThat(headers.first("x-c-all-callout-status")).isEqualTo("200");
        assertThat(headers.first("x-c-all-callout-body")).isEqualTo("pong");
        assertThatThrownBy(() -> call.respond(200)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void failedCalloutCallsBackWithoutHeaders() {
        ProxyWasmHarness h = start(cAll());
        HttpStream s = h.newHttpStream();
        s.sendRequestHeaders(get("/callout"), true);
        h.nextHttpCall().fail();
        // A failed call has no :status header, so the filter adds an empty status and body.
        assertThat(s.requestHeaders().first("x-c-all-callout-status")).isEmpty();
        assertThat(s.requestHeaders().first("x-c-all-callout-body")).isEmpty();
        assertThat(s.requestAction()).isEqualTo(Action.CONTINUE);
    }

    @Test
    void calloutTimesOutWhenTheClockPassesItsTimeout() {
        ProxyWasmHarness h = start(cAll());
        HttpStream s = h.newHttpStream();
        s.sendRequestHeaders(get("/callout"), true);
        h.advanceClock(Duration.ofMillis(4999));
        assertThat(h.pendingHttpCalls()).hasSize(1);
        h.advanceClock(Duration.ofMillis(1));
        assertThat(h.pendingHttpCalls()).isEmpty();
        assertThat(s.continueCalls()).containsExactly(StreamType.HTTP_REQUEST);
    }

    @Test
    void unknownClusterIsRefused() {
        ProxyWasmHarness h = start(cAll().clusters("other"));
        HttpStream s = h.newHttpStream();
        assertThat(s.sendRequestHeaders(get("/callout"), true)).isEqualTo(Action.CONTINUE);
        assertThat(s.requestHeaders().first("x-c-all-error")).isEqualTo("proxy_http_call 2");
        assertThat(h.httpCalls()).isEmpty();
    }

    @Test
    void localResponseIsRecorded() {
        ProxyWasmHarness h = start(cAll());
        HttpStream s = h.newHttpStream();
        assertThat(s.sendRequestHeaders(get("/local"), true)).isEqualTo(Action.PAUSE);
        LocalResponse r = s.localResponse().orElseThrow();
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.details()).isEqualTo("c_all_denied");
        assertThat(r.bodyText()).isEqualTo("denied by c-all");
        assertThat(r.headers().first("x-c-all")).isEqualTo("local");
        assertThat(s.requestHeaders().contains("x-c-all-path")).isFalse();
    }

    @Test
    void grpcUnaryCallIsAnsweredWithAMessage() {
        ProxyWasmHarness h = start(cAll());
        HttpStream s = h.newHttpStream();
        assertThat(s.sendRequestHeaders(get("/grpc"), true)).isEqualTo(Action.PAUSE);
        PendingGrpcCall call = h.nextGrpcCall();
        assertThat(call.service()).isEqualTo("grpc.Service");
        assertThat(call.method()).isEqualTo("Method");
        assertThat(call.messageText()).isEqualTo("c-all-ping");
        assertThat(call.streaming()).isFalse();

        call.respond("pong");
        assertThat(s.requestHeaders().first("x-c-all-grpc")).isEqualTo("pong");
        assertThat(s.requestHeaders().contains("x-c-all-grpc-status")).isFalse(); // no proxy_on_grpc_close after it
        assertThat(s.requestAction()).isEqualTo(Action.CONTINUE);
        assertThat(call.closed()).isTrue();
        assertThat(h.pendingGrpcCalls()).isEmpty();
    }

    @Test
    void grpcFailureReportsStatusAndMessage() {
        ProxyWasmHarness h = start(cAll());
        HttpStream s = h.newHttpStream();
        s.sendRequestHeaders(get("/grpc"), true);
        h.nextGrpcCall().fail(14, "unavailable");
        assertThat(s.requestHeaders().first("x-c-all-grpc-status")).isEqualTo("14");
        assertThat(s.requestHeaders().first("x-c-all-grpc-message")).isEqualTo("unavailable");
        assertThat(s.requestHeaders().contains("x-c-all-grpc")).isFalse();
        assertThat(h.pendingGrpcCalls()).isEmpty();
    }

    @Test
    void aUnaryCallGetsNoMetadataAndAStreamNoUnaryAnswer() {
        ProxyWasmHarness h = start(cAll());
        h.newHttpStream().sendRequestHeaders(get("/grpc"), true);
        PendingGrpcCall unary = h.nextGrpcCall();
        // As Envoy: a unary call ends with its response or its failure alone, so the harness offers nothing else.
        assertThatThrownBy(() -> unary.sendInitialMetadata(HeaderMap.of("a", "1")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("use respond(message) or fail");
        assertThatThrownBy(() -> unary.sendMessage("m")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> unary.sendTrailingMetadata(new HeaderMap())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> unary.close(0, "")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> unary.fail(0, "")).isInstanceOf(IllegalArgumentException.class);
        unary.respond("pong");
        assertThatThrownBy(() -> unary.respond("again"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already closed");

        h.newHttpStream().sendRequestHeaders(get("/grpc-stream"), true);
        PendingGrpcCall stream = h.nextGrpcCall();
        assertThatThrownBy(() -> stream.respond("m"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is a stream");
        assertThatThrownBy(() -> stream.fail(14, "")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aUnaryCallWhoseTimeoutPassesFailsAsEnvoysRouterTimesItOut() {
        ProxyWasmHarness h = start(cAll());
        HttpStream s = h.newHttpStream();
        s.sendRequestHeaders(get("/grpc"), true);
        h.advanceClock(Duration.ofMillis(4999));
        assertThat(h.pendingGrpcCalls()).hasSize(1);
        h.advanceClock(Duration.ofMillis(1));
        assertThat(h.pendingGrpcCalls()).isEmpty();
        assertThat(s.requestHeaders().first("x-c-all-grpc-status")).isEqualTo("14");
        assertThat(s.requestHeaders().first("x-c-all-grpc-message")).isEqualTo("upstream request timeout");
    }

    @Test
    void grpcStreamGetsMetadataMessagesAndClose() {
        ProxyWasmHarness h = start(cAll());
        HttpStream s = h.newHttpStream();
        s.sendRequestHeaders(get("/grpc-stream"), true);
        PendingGrpcCall call = h.nextGrpcCall();
        assertThat(call.streaming()).isTrue();
        assertThat(call.initialMetadata().first("x-c-all-md")).isEqualTo("1");
        assertThat(call.sentTexts()).containsExactly("c-all-stream");
        assertThat(call.halfClosedByFilter()).isTrue();

        call.sendInitialMetadata(HeaderMap.of("a", "1", "b", "2"))
                .sendMessage("one")
                .sendMessage("two")
                .sendTrailingMetadata(HeaderMap.of("t", "1"))
                .close(0, "");
        HeaderMap headers = s.requestHeaders();
        assertThat(headers.first("x-c-all-grpc")).isEqualTo("two");
        assertThat(headers.first("x-c-all-grpc-metadata")).isEqualTo("2/1");
        assertThat(headers.first("x-c-all-grpc-status")).isEqualTo("0");
    }

    @Test
    void grpcCancelIsSeenByTheServerSide() {
        ProxyWasmHarness h = start(cAll());
        HttpStream s = h.newHttpStream();
        s.sendRequestHeaders(get("/grpc-cancel"), true);
        assertThat(s.requestHeaders().first("x-c-all-grpc-cancel")).isEqualTo("0");
        assertThat(h.grpcCalls()).singleElement().satisfies(c -> {
            assertThat(c.cancelled()).isTrue();
            assertThat(c.closed()).isTrue();
        });
        assertThat(h.pendingGrpcCalls()).isEmpty();
    }

    @Test
    void queueItemsReachOnQueueReady() {
        ProxyWasmHarness h = start(cAll());
        HttpStream s = h.newHttpStream();
        s.sendRequestHeaders(Map.of(":method", "GET", ":path", "/queue", ":authority", "a", "x-value", "v1"), true);
        assertThat(s.requestHeaders().first("x-c-all-queue")).isEqualTo("enqueued");
        assertThat(h.logs().messages(LogLevel.INFO)).contains("queue: v1");

        h.enqueue("c_all_queue", "from-test");
        assertThat(h.logs().messages(LogLevel.INFO)).contains("queue: from-test");
        assertThat(h.queueSize("c_all_queue")).isZero();
        assertThatThrownBy(() -> h.enqueue("nope", "x"))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("nope");
    }

    @Test
    void ticksUpdateSharedDataAndFollowTheClock() {
        ProxyWasmHarness h = start(cAll());
        h.tick(2);
        assertThat(h.sharedData("c_all_ticks")).contains("2");
        h.advanceClock(Duration.ofMillis(2500));
        assertThat(h.sharedData("c_all_ticks")).contains("4");
        assertThat(h.logs().messages(LogLevel.INFO)).containsSubsequence("tick 1", "tick 2", "tick 3", "tick 4");
        assertThat(h.clock().now()).isEqualTo(TestClock.DEFAULT_START.plusMillis(2500));
        h.advanceClock(Duration.ofMillis(500));
        assertThat(h.sharedData("c_all_ticks")).contains("5");
    }

    @Test
    void metricsCountRequestsAndInflightStreams() {
        ProxyWasmHarness h = start(cAll());
        HttpStream a = h.newHttpStream();
        a.sendRequestHeaders(get("/"), true);
        HttpStream b = h.newHttpStream();
        b.sendRequestHeaders(get("/metric"), true);
        assertThat(b.requestHeaders().first("x-c-all-count")).isEqualTo("2");
        assertThat(b.requestHeaders().first("x-c-all-inflight")).isEqualTo("2");
        assertThat(h.metrics().counter("c_all_requests")).isEqualTo(2);
        assertThat(h.metrics().gauge("c_all_inflight")).isEqualTo(2);
        a.complete();
        assertThat(h.metrics().gauge("c_all_inflight")).isEqualTo(1);
        assertThat(h.logs().messages(LogLevel.INFO)).contains("log: /");
        assertThatThrownBy(() -> h.metrics().counter("c_all_inflight"))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("c_all_inflight (gauge)");
    }

    @Test
    void foreignFunctionEcho() {
        ProxyWasmHarness h = start(cAll().foreignFunction("echo", (args, caller) -> args));
        HttpStream s = h.newHttpStream();
        s.sendRequestHeaders(get("/foreign"), true);
        assertThat(s.requestHeaders().first("x-c-all-foreign")).isEqualTo("ping");
    }

    @Test
    void missingForeignFunctionIsNotFound() {
        ProxyWasmHarness h = start(cAll());
        HttpStream s = h.newHttpStream();
        s.sendRequestHeaders(get("/foreign"), true);
        assertThat(s.requestHeaders().first("x-c-all-error")).isEqualTo("proxy_call_foreign_function 1");
    }

    @Test
    void bodyBufferingGrowsTheBodyUntilEndOfStream() {
        ProxyWasmHarness h = start(cAll());
        HttpStream s = h.newHttpStream();
        s.sendRequestHeaders(Map.of(":method", "POST", ":path", "/", ":authority", "a", "x-buffer", "yes"), false);
        BodyDelivery d = s.deliverRequestBody("hel", "lo ", "world");
        assertThat(d.bodySizes()).containsExactly(3, 6, 11);
        assertThat(d.calls())
                .extracting(BodyDelivery.Call::action)
                .containsExactly(Action.PAUSE, Action.PAUSE, Action.CONTINUE);
        assertThat(d.forwardedText()).isEqualTo("HELLO WORLD");
        assertThat(d.stillBuffered()).isFalse();
        assertThat(s.requestBody()).isEqualTo("HELLO WORLD");
        assertThat(h.metrics().histogram("c_all_body_size")).containsExactly(11L);
    }

    @Test
    void unbufferedBodyPassesChunkByChunk() {
        ProxyWasmHarness h = start(cAll());
        HttpStream s = h.newHttpStream();
        s.sendRequestHeaders(Map.of(":method", "POST", ":path", "/", ":authority", "a"), false);
        BodyDelivery d = s.deliverRequestBody("ab", "cd");
        assertThat(d.bodySizes()).containsExactly(2, 2);
        assertThat(d.forwardedText()).isEqualTo("abcd");
        assertThat(s.forwardedRequestBody()).isEqualTo("abcd");
    }

    @Test
    void responseBodyIsPrefixedAndTrailersAdded() {
        ProxyWasmHarness h = start(cAll());
        HttpStream s = h.newHttpStream();
        s.sendRequestHeaders(get("/"), true);
        s.sendResponseHeaders(Map.of(":status", "200", "x-buffer-response", "1", "x-powered-by", "php"), false);
        assertThat(s.responseHeaders().first("x-c-all-response")).isEqualTo("yes");
        assertThat(s.responseHeaders().contains("x-powered-by")).isFalse();
        assertThat(s.sendResponseBody("body", false)).isEqualTo(Action.PAUSE);
        assertThat(s.responseAction()).isEqualTo(Action.PAUSE);
        assertThat(s.sendResponseBody("!", true)).isEqualTo(Action.CONTINUE);
        assertThat(s.responseBody()).isEqualTo("[c-all]body!");
        assertThat(s.forwardedResponseBody()).isEqualTo("[c-all]body!");
        assertThat(s.sendResponseTrailers(Map.of("grpc-status", "0"))).isEqualTo(Action.CONTINUE);
        assertThat(s.responseTrailers().orElseThrow().first("x-c-all-trailer")).isEqualTo("seen");
    }

    @Test
    void streamPropertiesAndInfoReachTheFilter() {
        ProxyWasmHarness h = start(cAll().property("node.id", "n1"));
        HttpStream s = h.newHttpStream();
        assertThat(s.propertyText("node.id")).contains("n1");
        assertThat(s.propertyText("plugin_root_id")).contains("c_all_root");
        s.sendRequestHeaders(get("/property?x=1"), true);
        HeaderMap headers = s.requestHeaders();
        assertThat(headers.first("x-c-all-property")).isEqualTo("v");
        assertThat(headers.first("x-c-all-path")).isEqualTo("/property?x=1");
        assertThat(headers.first("x-c-all-request-path")).isEqualTo("/property?x=1");
        assertThat(headers.first("x-c-all-root-id")).isEqualTo("c_all_root");
        assertThat(s.propertyText("c_all_custom")).contains("v");
    }

    @Test
    void logLevelAndClockAreTheConfiguredOnes() {
        ProxyWasmHarness h = start(cAll().logLevel(LogLevel.DEBUG).startTime(Instant.parse("2019-06-01T00:00:00Z")));
        HttpStream s = h.newHttpStream();
        s.sendRequestHeaders(get("/loglevel"), true);
        assertThat(s.requestHeaders().first("x-c-all-log-level")).isEqualTo("1");
        HttpStream t = h.newHttpStream();
        t.sendRequestHeaders(get("/time"), true);
        assertThat(t.requestHeaders().first("x-c-all-time")).isEqualTo("bad");
        h.clock().setWallTime(Instant.parse("2024-01-01T00:00:00Z"));
        HttpStream u = h.newHttpStream();
        u.sendRequestHeaders(get("/time"), true);
        assertThat(u.requestHeaders().first("x-c-all-time")).isEqualTo("ok");
    }

    @Test
    void closeStreamIsRecorded() {
        ProxyWasmHarness h = start(cAll());
        HttpStream s = h.newHttpStream();
        assertThat(s.sendRequestHeaders(get("/close"), true)).isEqualTo(Action.PAUSE);
        assertThat(s.closeCalls()).containsExactly(StreamType.HTTP_REQUEST);
    }

    @Test
    void sharedDataWrittenByTheFilterIsReadable() {
        ProxyWasmHarness h = start(cAll());
        HttpStream s = h.newHttpStream();
        s.sendRequestHeaders(Map.of(":method", "GET", ":path", "/shared", ":authority", "a", "x-value", "42"), true);
        assertThat(s.requestHeaders().first("x-c-all-shared")).isEqualTo("42");
        assertThat(h.sharedData("c_all_key")).contains("42");
        h.setSharedData("c_all_ticks", "41");
        h.tick();
        assertThat(h.sharedData("c_all_ticks")).contains("42");
    }

    @Test
    void deferredDoneWaitsForProxyDone() {
        ProxyWasmHarness h = start(cAll().pluginConfig("defer-done"));
        assertThat(h.shutdown()).isFalse();
        assertThat(h.logs().messages(LogLevel.INFO)).contains("c-all: deferring done");
        assertThat(h.rootDeleted()).isFalse();
        h.tick();
        assertThat(h.logs().messages(LogLevel.INFO)).contains("c-all: calling proxy_done");
        assertThat(h.rootDeleted()).isTrue();
    }

    @Test
    void requestTrailersGetTheFiltersAddition() {
        ProxyWasmHarness h = start(cAll());
        HttpStream s = h.newHttpStream();
        s.sendRequestHeaders(Map.of(":method", "POST", ":path", "/", ":authority", "a"), false);
        s.sendRequestBody("x".getBytes(StandardCharsets.UTF_8), false);
        assertThat(s.sendRequestTrailers(Map.of("t", "1"))).isEqualTo(Action.CONTINUE);
        assertThat(s.requestTrailers().orElseThrow().all("x-c-all-trailer")).isEqualTo(List.of("seen"));
    }
}
