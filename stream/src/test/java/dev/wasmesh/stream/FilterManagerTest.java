package dev.wasmesh.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.host.CallTransport;
import dev.wasmesh.host.FailurePolicy;
import dev.wasmesh.host.GrpcCallout;
import dev.wasmesh.host.HostEnvironment;
import dev.wasmesh.host.HttpCallout;
import dev.wasmesh.host.HttpContext;
import dev.wasmesh.host.PluginConfig;
import dev.wasmesh.host.RootContext;
import dev.wasmesh.host.WasmFailureException;
import dev.wasmesh.host.WasmVm;
import dev.wasmesh.host.module.ProxyWasmModule;
import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.host.stream.StreamControl;
import dev.wasmesh.host.stream.StreamInfo;
import dev.wasmesh.testsupport.Examples;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The filter manager driven directly, as a transport would, with the real c-all example filter: the limits and
 * flow-control signals a transport acts on, which the harness and the proxy tests see only from outside.
 */
class FilterManagerTest {
    private static final long LIMIT = 16;

    private WasmVm vm;
    private RootContext root;
    private final ArrayDeque<Runnable> loop = new ArrayDeque<>();
    private final Recorder ends = new Recorder();
    private final List<HttpCallout> calls = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        ProxyWasmModule module = ProxyWasmModule.load(Examples.wasm("c-all"));
        PluginConfig config = PluginConfig.builder().rootId("c_all_root").build();
        vm = WasmVm.create(module, new HostEnvironment().transport(new HeldCalls()), config);
        root = vm.createRootContext(config);
    }

    @AfterEach
    void stop() {
        vm.close();
    }

    private FilterManager manager() {
        ChainFilter filter = new ChainFilter() {
            @Override
            public HttpContext open(StreamControl control, StreamInfo info) {
                return root.newHttpContext(control, info);
            }

            @Override
            public FailurePolicy policy() {
                return FailurePolicy.FAIL_CLOSED;
            }

            @Override
            public void failed(WasmFailureException e) {
                ends.events.add("failed");
            }
        };
        return new FilterManager(List.of(filter), new StreamInfo(), loop::add, ends, LIMIT);
    }

    private void runLoop() {
        Runnable r;
        while ((r = loop.poll()) != null) {
            r.run();
        }
    }

    private static HeaderMap request(String path, String... extra) {
        HeaderMap h = new HeaderMap();
        h.add(":method", "POST");
        h.add(":path", path);
        h.add(":authority", "example.com");
        for (int i = 0; i < extra.length; i += 2) {
            h.add(extra[i], extra[i + 1]);
        }
        return h;
    }

    @Test
    void aRequestBodyBufferedPastTheLimitIsAnswered413ThroughTheResponseFilters() {
        FilterManager m = manager();
        m.decodeHeaders(request("/", "x-buffer", "yes"), false);
        m.decodeData(new byte[10], false);
        m.decodeData(new byte[10], false);
        runLoop();
        assertThat(ends.events).contains("cancelUpstream", "details request_payload_too_large");
        assertThat(ends.downstream.first(":status")).isEqualTo("413");
        // The reply went through the filter's response path.
        assertThat(ends.downstream.first("x-c-all-response")).isEqualTo("yes");
        assertThat(new String(ends.body(), StandardCharsets.UTF_8)).isEqualTo("Payload Too Large");
    }

    @Test
    void aResponseBodyBufferedPastTheLimitIsAnswered500AroundTheFilters() {
        FilterManager m = manager();
        m.decodeHeaders(request("/"), true);
        HeaderMap response = new HeaderMap();
        response.add(":status", "200");
        response.add("x-buffer-response", "1");
        m.encodeHeaders(response, false);
        // Headers went on (the transport holds them until the body); the filter buffers the body up to the limit.
        assertThat(ends.downstream).isNotNull();
        m.encodeData(new byte[20], false);
        runLoop();
        assertThat(ends.events).contains("reply 500", "details response_payload_too_large");
    }

    @Test
    void dataWaitingInFrontOfAFilterPausedOnHeadersBlocksTheSenderUntilItContinues() {
        FilterManager m = manager();
        m.decodeHeaders(request("/callout"), false);
        m.decodeData(new byte[10], false);
        assertThat(ends.events).doesNotContain("requestBlocked true");
        m.decodeData(new byte[10], false);
        assertThat(ends.events).contains("requestBlocked true");
        assertThat(ends.upstream).isNull();
        assertThat(m.requestHeld()).isTrue();

        HeaderMap answer = new HeaderMap();
        answer.add(":status", "200");
        calls.get(0).respond(answer, new byte[0], new HeaderMap());
        vm.runPending();
        runLoop();
        assertThat(ends.events).contains("requestBlocked false");
        assertThat(ends.upstream).isNotNull();
        assertThat(m.requestHeld()).isFalse();
    }

    @Test
    void aCloseFromTheFilterResetsTheStreamAfterItsCallback() {
        FilterManager m = manager();
        m.decodeHeaders(request("/close"), true);
        assertThat(ends.events).doesNotContain("reset wasm_close_stream");
        runLoop();
        assertThat(ends.events).contains("reset wasm_close_stream");
    }

    @Test
    void grpcMessagesArePercentEncoded() {
        assertThat(FilterManager.percentEncoded("no\r\nx: 1 50%é".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("no%0D%0Ax: 1 50%25%C3%A9");
    }

    /** Call-outs that stay unanswered, so a filter that calls out stays paused. */
    private final class HeldCalls implements CallTransport {
        @Override
        public boolean hasCluster(String cluster) {
            return true;
        }

        @Override
        public void httpCall(HttpCallout call) {
            calls.add(call);
        }

        @Override
        public void grpcCall(GrpcCallout call) {
            call.fail(14, "no gRPC here");
        }
    }

    /** The transport's side, recorded. */
    private static final class Recorder implements FilterManagerCallbacks {
        final List<String> events = new ArrayList<>();
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        HeaderMap upstream;
        HeaderMap downstream;
        /** Like the proxy's writer: headers without end of stream wait for the body before anything is written. */
        boolean started;

        byte[] body() {
            return data.toByteArray();
        }

        @Override
        public void upstreamHeaders(HeaderMap headers, boolean endOfStream) {
            upstream = headers;
        }

        @Override
        public void upstreamData(byte[] bytes, boolean endOfStream) {}

        @Override
        public void upstreamTrailers(HeaderMap trailers) {}

        @Override
        public void cancelUpstream() {
            events.add("cancelUpstream");
        }

        @Override
        public void downstreamHeaders(HeaderMap headers, boolean endOfStream) {
            downstream = headers;
            started = endOfStream;
        }

        @Override
        public void downstreamData(byte[] bytes, boolean endOfStream) {
            started = true;
            data.writeBytes(bytes);
        }

        @Override
        public void downstreamTrailers(HeaderMap trailers) {}

        @Override
        public boolean downstreamStarted() {
            return started;
        }

        @Override
        public void downstreamReply(HeaderMap headers, byte[] body) {
            events.add("reply " + headers.first(":status"));
        }

        @Override
        public void reset(String details) {
            events.add("reset " + details);
        }

        @Override
        public void details(String details) {
            events.add("details " + details);
        }

        @Override
        public void requestBlocked(boolean blocked) {
            events.add("requestBlocked " + blocked);
        }

        @Override
        public void responseBlocked(boolean blocked) {
            events.add("responseBlocked " + blocked);
        }
    }
}
