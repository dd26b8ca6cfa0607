package dev.wasmesh.host;

import static dev.wasmesh.host.Probe.Cb.CONFIGURE;
import static dev.wasmesh.host.Probe.Cb.CONTEXT_CREATE;
import static dev.wasmesh.host.Probe.Cb.DELETE;
import static dev.wasmesh.host.Probe.Cb.DONE;
import static dev.wasmesh.host.Probe.Cb.FOREIGN_FUNCTION;
import static dev.wasmesh.host.Probe.Cb.LOG;
import static dev.wasmesh.host.Probe.Cb.REQUEST_BODY;
import static dev.wasmesh.host.Probe.Cb.REQUEST_HEADERS;
import static dev.wasmesh.host.Probe.Cb.REQUEST_TRAILERS;
import static dev.wasmesh.host.Probe.Cb.RESPONSE_HEADERS;
import static dev.wasmesh.host.Probe.Cb.RESPONSE_TRAILERS;
import static dev.wasmesh.host.Probe.Cb.VM_START;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.host.abi.BufferType;
import dev.wasmesh.host.abi.MapType;
import dev.wasmesh.host.abi.Status;
import dev.wasmesh.host.module.ProxyWasmModule;
import dev.wasmesh.host.stream.Action;
import dev.wasmesh.host.stream.Body;
import dev.wasmesh.host.stream.HeaderMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Which callbacks the host makes, in which order, with which arguments. */
class CallbackOrderTest {
    @ParameterizedTest
    @EnumSource(ProxyWasmModule.Engine.class)
    void aFullStream(ProxyWasmModule.Engine engine) {
        Probe p = Probe.create(engine);
        RootContext root = p.vm.createRootContext(
                Probe.plugin("probe").toBuilder().pluginConfiguration("abc").build());
        HttpContext http = root.newHttpContext();
        Probe.OutBytes path = p.outBytes();
        Probe.Step readInLog = p.call(
                Probe.Op.PROXY_GET_HEADER_MAP_VALUE, MapType.HTTP_REQUEST_HEADERS.ordinal(), p.str(":path"), path);
        p.on(LOG, readInLog);
        p.returns(REQUEST_HEADERS, 1).returns(REQUEST_BODY, 1).returns(RESPONSE_HEADERS, 4);
        assertThat(http.onRequestHeaders(HeaderMap.of(":path", "/x", "a", "1"), false))
                .isEqualTo(Action.PAUSE);
        assertThat(http.onRequestBody(Body.of("12345"), false)).isEqualTo(Action.PAUSE);
        http.onRequestTrailers(HeaderMap.of("t", "1"));
        assertThat(http.onResponseHeaders(HeaderMap.of(":status", "200"), true)).isEqualTo(Action.PAUSE);
        p.returns(RESPONSE_HEADERS, 2);
        assertThat(http.onResponseHeaders(HeaderMap.of(":status", "200"), true)).isEqualTo(Action.CONTINUE);
        http.onResponseBody(Body.of("xy"), true);
        http.onResponseTrailers(new HeaderMap());
        http.finish();
        http.finish();
        int r = root.id();
        int s = http.id();
        assertThat(p.events())
                .extracting(Probe.Event::toString)
                .containsExactly(
                        "CONTEXT_CREATE[" + r + ", 0, 0, 0, 0]",
                        "VM_START[" + r + ", 0, 0, 0, 0]",
                        "CONFIGURE[" + r + ", 3, 0, 0, 0]",
                        "CONTEXT_CREATE[" + s + ", " + r + ", 0, 0, 0]",
                        "REQUEST_HEADERS[" + s + ", 2, 0, 0, 0]",
                        "REQUEST_BODY[" + s + ", 5, 0, 0, 0]",
                        "REQUEST_TRAILERS[" + s + ", 1, 0, 0, 0]",
                        "RESPONSE_HEADERS[" + s + ", 1, 1, 0, 0]",
                        "RESPONSE_HEADERS[" + s + ", 1, 1, 0, 0]",
                        "RESPONSE_BODY[" + s + ", 2, 1, 0, 0]",
                        "RESPONSE_TRAILERS[" + s + ", 0, 0, 0, 0]",
                        "DONE[" + s + ", 0, 0, 0, 0]",
                        "LOG[" + s + ", 0, 0, 0, 0]",
                        "DELETE[" + s + ", 0, 0, 0, 0]");
        assertThat(readInLog.status()).isEqualTo(Status.OK);
        assertThat(path.string()).isEqualTo("/x");
        assertThat(p.vm.liveContexts()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(ProxyWasmModule.Engine.class)
    void foreignFunctionCallbackSeesItsArguments(ProxyWasmModule.Engine engine) {
        Probe p = Probe.create(engine);
        RootContext root = p.vm.createRootContext(Probe.plugin("probe"));
        Probe.OutBytes args = p.outBytes();
        Probe.Step read =
                p.call(Probe.Op.PROXY_GET_BUFFER_BYTES, BufferType.FOREIGN_FUNCTION_ARGUMENTS.ordinal(), 0, -1, args);
        p.on(FOREIGN_FUNCTION, read);
        root.callForeignFunction(7, "payload".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(read.status()).isEqualTo(Status.OK);
        assertThat(args.string()).isEqualTo("payload");
        assertThat(p.events()).last().hasToString("FOREIGN_FUNCTION[" + root.id() + ", 7, 7, 0, 0]");
    }

    @ParameterizedTest
    @EnumSource(ProxyWasmModule.Engine.class)
    void rootShutdownRunsDoneThenDelete(ProxyWasmModule.Engine engine) {
        Probe p = Probe.create(engine);
        RootContext root = p.vm.createRootContext(Probe.plugin("probe"));
        p.clearEvents();
        assertThat(root.shutdown()).isTrue();
        assertThat(p.callbacks()).containsExactly(DONE, DELETE);
        assertThat(p.vm.rootContexts()).isEmpty();
        assertThat(root.shutdown()).isTrue();
        assertThat(p.callbacks()).containsExactly(DONE, DELETE);
    }

    @ParameterizedTest
    @EnumSource(ProxyWasmModule.Engine.class)
    void twoPluginsInOneVmGetTheirOwnRootContexts(ProxyWasmModule.Engine engine) {
        Probe p = Probe.create(engine);
        RootContext a = p.vm.createRootContext(Probe.plugin("a"));
        RootContext b = p.vm.createRootContext(Probe.plugin("b"));
        assertThat(a.id()).isNotEqualTo(b.id());
        assertThat(p.vm.rootContexts()).containsExactlyInAnyOrder(a, b);
        assertThat(p.callbacks())
                .containsExactly(CONTEXT_CREATE, VM_START, CONFIGURE, CONTEXT_CREATE, VM_START, CONFIGURE);
    }

    @ParameterizedTest
    @EnumSource(ProxyWasmModule.Engine.class)
    void bodyAndTrailerReturnValuesAreReadAsEnvoyReadsThem(ProxyWasmModule.Engine engine) {
        Probe p = Probe.create(engine);
        HttpContext http = p.vm.createRootContext(Probe.plugin("probe")).newHttpContext();
        http.onRequestHeaders(HeaderMap.of(":path", "/"), false);
        // Bodies: StopIterationAndBuffer 1, ...AndWatermark 2 and StopIterationNoBuffer 3 all stop.
        for (int raw : new int[] {1, 2, 3}) {
            p.returns(REQUEST_BODY, raw);
            assertThat(http.onRequestBody(Body.of("b"), false))
                    .as("body returns %d", raw)
                    .isEqualTo(Action.PAUSE);
        }
        p.returns(REQUEST_BODY, 0);
        assertThat(http.onRequestBody(Body.of("b"), false)).isEqualTo(Action.CONTINUE);
        for (int raw : new int[] {1, 2, 4}) {
            p.returns(REQUEST_TRAILERS, raw).returns(RESPONSE_TRAILERS, raw);
            assertThat(http.onRequestTrailers(HeaderMap.of("t", "1")))
                    .as("trailers return %d", raw)
                    .isEqualTo(Action.PAUSE);
            assertThat(http.onResponseTrailers(HeaderMap.of("t", "1"))).isEqualTo(Action.PAUSE);
        }
        p.returns(REQUEST_TRAILERS, 0);
        assertThat(http.onRequestTrailers(HeaderMap.of("t", "1"))).isEqualTo(Action.CONTINUE);
    }
}
