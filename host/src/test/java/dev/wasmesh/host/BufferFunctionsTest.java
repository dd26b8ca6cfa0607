package dev.wasmesh.host;

import static dev.wasmesh.host.Probe.Cb.CONFIGURE;
import static dev.wasmesh.host.Probe.Cb.REQUEST_BODY;
import static dev.wasmesh.host.Probe.Cb.RESPONSE_BODY;
import static dev.wasmesh.host.Probe.Cb.VM_START;
import static dev.wasmesh.host.Probe.Op.PROXY_GET_BUFFER_BYTES;
import static dev.wasmesh.host.Probe.Op.PROXY_GET_BUFFER_STATUS;
import static dev.wasmesh.host.Probe.Op.PROXY_SET_BUFFER_BYTES;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.host.abi.BufferType;
import dev.wasmesh.host.abi.Status;
import dev.wasmesh.host.module.ProxyWasmModule;
import dev.wasmesh.host.stream.Action;
import dev.wasmesh.host.stream.Body;
import dev.wasmesh.host.stream.HeaderMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class BufferFunctionsTest {
    private static final int REQ_BODY = BufferType.HTTP_REQUEST_BODY.ordinal();
    private static final int RESP_BODY = BufferType.HTTP_RESPONSE_BODY.ordinal();

    private final Probe p = Probe.create(ProxyWasmModule.Engine.COMPILER);

    private HttpContext stream() {
        HttpContext http = p.vm.createRootContext(Probe.plugin("probe")).newHttpContext();
        http.onRequestHeaders(HeaderMap.of(":path", "/"), false);
        return http;
    }

    @Test
    void readLengthsAreUnsignedAndClamped() {
        HttpContext http = stream();
        Probe.OutBytes all = p.outBytes();
        Probe.OutBytes go = p.outBytes();
        Probe.OutBytes middle = p.outBytes();
        Probe.OutBytes atEnd = p.outBytes();
        Probe.OutBytes pastEnd = p.outBytes();
        List<Probe.Step> steps = List.of(
                p.call(PROXY_GET_BUFFER_BYTES, REQ_BODY, 0, 0xFFFFFFFF, all),
                p.call(PROXY_GET_BUFFER_BYTES, REQ_BODY, 0, 0x7FFFFFFF, go),
                p.call(PROXY_GET_BUFFER_BYTES, REQ_BODY, 2, 3, middle),
                p.call(PROXY_GET_BUFFER_BYTES, REQ_BODY, 10, 0xFFFFFFFF, atEnd),
                p.call(PROXY_GET_BUFFER_BYTES, REQ_BODY, 11, 1, pastEnd),
                p.call(PROXY_GET_BUFFER_BYTES, REQ_BODY, 0xFFFFFFFF, 0xFFFFFFFF, pastEnd));
        p.on(REQUEST_BODY, steps.toArray(Probe.Step[]::new));
        p.memory().writeU32(atEnd.ptrPtr, 99);
        p.memory().writeU32(atEnd.lenPtr, 99);
        p.memory().writeU32(pastEnd.ptrPtr, 99);
        p.memory().writeU32(pastEnd.lenPtr, 99);
        http.onRequestBody(Body.of("0123456789"), true);

        // As Envoy: a start past the end is not an error, it reads nothing.
        assertThat(steps).extracting(Probe.Step::status).containsOnly(Status.OK);
        assertThat(all.string()).isEqualTo("0123456789");
        assertThat(go.string()).isEqualTo("0123456789");
        assertThat(middle.string()).isEqualTo("234");
        assertThat(atEnd.pointer()).isZero(); // an empty result writes 0 to both out-parameters
        assertThat(atEnd.length()).isZero();
        assertThat(pastEnd.pointer()).isZero();
        assertThat(pastEnd.length()).isZero();
    }

    @Test
    void statusReportsTheBufferedLength() {
        HttpContext http = stream();
        Probe.Out length = p.out(4);
        Probe.Out flags = p.out(4);
        Probe.Step status = p.call(PROXY_GET_BUFFER_STATUS, REQ_BODY, length, flags);
        p.on(REQUEST_BODY, status);
        http.onRequestBody(Body.of("abcdef"), false);
        assertThat(status.status()).isEqualTo(Status.OK);
        assertThat(length.u32()).isEqualTo(6);
    }

    private Body write(int start, int size, String data) {
        HttpContext http = stream();
        Probe.Step set = p.call(PROXY_SET_BUFFER_BYTES, REQ_BODY, start, size, p.str(data));
        p.on(REQUEST_BODY, set);
        Body body = Body.of("hello");
        http.onRequestBody(body, true);
        assertThat(set.status()).isEqualTo(Status.OK);
        return body;
    }

    @Test
    void startZeroSizeZeroPrepends() {
        assertThat(write(0, 0, "> ").toString()).isEqualTo("> hello");
    }

    @Test
    void startZeroDrainsSizeBytesThenPrepends() {
        // Envoy's Buffer::copyFrom: at start 0 it drains `size` bytes (fewer if there are fewer), then prepends.
        assertThat(write(0, 2, "J").toString()).isEqualTo("Jllo");
    }

    @Test
    void sizeCoveringTheBufferReplacesIt() {
        assertThat(write(0, 5, "bye").toString()).isEqualTo("bye");
        assertThat(new BufferFunctionsTest().write(0, 0xFFFFFFFF, "all").toString())
                .isEqualTo("all");
    }

    @Test
    void startAtTheEndAppends() {
        assertThat(write(5, 0, "!").toString()).isEqualTo("hello!");
    }

    @Test
    void startInTheMiddleIsBadArgumentAndChangesNothing() {
        HttpContext http = stream();
        Probe.Step set = p.call(PROXY_SET_BUFFER_BYTES, REQ_BODY, 2, 1, p.str("x"));
        p.on(REQUEST_BODY, set);
        Body body = Body.of("hello");
        http.onRequestBody(body, true);
        assertThat(set.status()).isEqualTo(Status.BAD_ARGUMENT);
        assertThat(body.toString()).isEqualTo("hello");
    }

    @Test
    void responseBodyIsSeparateFromRequestBody() {
        HttpContext http = stream();
        Probe.OutBytes read = p.outBytes();
        Probe.OutBytes requestBody = p.outBytes();
        Probe.Step requestInResponse = p.call(PROXY_GET_BUFFER_BYTES, REQ_BODY, 0, -1, requestBody);
        Probe.Step get = p.call(PROXY_GET_BUFFER_BYTES, RESP_BODY, 0, -1, read);
        p.on(RESPONSE_BODY, requestInResponse, get);
        http.onResponseHeaders(HeaderMap.of(":status", "200"), false);
        http.onResponseBody(Body.of("resp"), true);
        assertThat(List.of(requestInResponse, get))
                .extracting(Probe.Step::status)
                .containsOnly(Status.OK);
        assertThat(requestBody.length()).isZero(); // no request body was ever seen: Envoy hands over an empty one
        assertThat(read.string()).isEqualTo("resp");
    }

    @Test
    void aBodyIsReachableUntilTheFilterLetsItGoOn() {
        HttpContext http = stream();
        Body paused = Body.of("held");
        p.returns(REQUEST_BODY, 1);
        assertThat(http.onRequestBody(paused, false)).isEqualTo(Action.PAUSE);
        Probe.OutBytes whilePaused = p.outBytes();
        Probe.Step read = p.call(PROXY_GET_BUFFER_BYTES, REQ_BODY, 0, -1, whilePaused);
        Probe.Step append = p.call(PROXY_SET_BUFFER_BYTES, REQ_BODY, 4, 0, p.str("!"));
        p.on(Probe.Cb.TICK, p.call(Probe.Op.PROXY_SET_EFFECTIVE_CONTEXT, http.id()), read, append);
        http.rootContext().tick();
        assertThat(List.of(read, append)).extracting(Probe.Step::status).containsOnly(Status.OK);
        assertThat(whilePaused.string()).isEqualTo("held");
        assertThat(paused.toString()).isEqualTo("held!");

        p.returns(REQUEST_BODY, 0);
        http.onRequestBody(paused, true);
        Probe.Out length = p.out(4);
        Probe.Step status = p.call(PROXY_GET_BUFFER_STATUS, REQ_BODY, length, p.out(4));
        Probe.Step write = p.call(PROXY_SET_BUFFER_BYTES, REQ_BODY, 0, 0, p.str("late"));
        p.on(Probe.Cb.TICK, p.call(Probe.Op.PROXY_SET_EFFECTIVE_CONTEXT, http.id()), status, write);
        p.memory().writeU32(length.ptr, 77);
        http.rootContext().tick();
        assertThat(status.status()).isEqualTo(Status.OK);
        assertThat(length.u32()).isZero();
        assertThat(write.status()).isEqualTo(Status.BAD_ARGUMENT);
        assertThat(paused.toString()).isEqualTo("held!");
    }

    @Test
    void configurationsAreReadableWhenEnvoyOffersThemAndReadOnly() {
        PluginConfig vmConfig =
                Probe.plugin("probe").toBuilder().vmConfiguration("vm-cfg").build();
        Probe q = Probe.create(
                ProxyWasmModule.Engine.COMPILER,
                dev.wasmesh.host.abi.AbiVersion.V0_2_1,
                vmConfig,
                new HostEnvironment(),
                new WasmVm.Options());
        Probe.OutBytes vm = q.outBytes();
        Probe.OutBytes plugin = q.outBytes();
        Probe.OutBytes pluginAtStart = q.outBytes();
        Probe.Step vmRead = q.call(PROXY_GET_BUFFER_BYTES, BufferType.VM_CONFIGURATION.ordinal(), 0, -1, vm);
        Probe.Step pluginEarly =
                q.call(PROXY_GET_BUFFER_BYTES, BufferType.PLUGIN_CONFIGURATION.ordinal(), 0, -1, pluginAtStart);
        Probe.Step pluginRead =
                q.call(PROXY_GET_BUFFER_BYTES, BufferType.PLUGIN_CONFIGURATION.ordinal(), 0, -1, plugin);
        Probe.Step write = q.call(PROXY_SET_BUFFER_BYTES, BufferType.PLUGIN_CONFIGURATION.ordinal(), 0, 0, q.str("x"));
        Probe.Step badType = q.call(PROXY_GET_BUFFER_BYTES, 9, 0, -1, plugin);
        q.on(VM_START, vmRead, pluginEarly);
        q.on(CONFIGURE, pluginRead, write, badType);
        RootContext root = q.vm.createRootContext(
                vmConfig.toBuilder().pluginConfiguration("{\"a\":1}").build());

        assertThat(vmRead.status()).isEqualTo(Status.OK);
        assertThat(vm.string()).isEqualTo("vm-cfg");
        assertThat(pluginEarly.status()).isEqualTo(Status.NOT_FOUND);
        assertThat(pluginRead.status()).isEqualTo(Status.OK);
        assertThat(plugin.string()).isEqualTo("{\"a\":1}");
        assertThat(write.status()).isEqualTo(Status.BAD_ARGUMENT);
        assertThat(badType.status()).isEqualTo(Status.BAD_ARGUMENT);
        assertThat(q.events())
                .filteredOn(e -> e.cb() == CONFIGURE)
                .singleElement()
                .satisfies(e -> assertThat(e.args()).startsWith(root.id(), 7));
    }

    @Test
    void badOutParametersAreInvalidMemoryAccess() {
        HttpContext http = stream();
        Probe.Step get = p.call(PROXY_GET_BUFFER_BYTES, REQ_BODY, 0, -1, 0xFFFFFFFE, p.out(4));
        Probe.Step status = p.call(PROXY_GET_BUFFER_STATUS, REQ_BODY, p.out(4), 0x7FFFFFFF);
        Probe.Step set = p.call(PROXY_SET_BUFFER_BYTES, REQ_BODY, 0, 0, 0x00400000, 4);
        p.on(REQUEST_BODY, get, status, set);
        Body body = Body.of("data");
        http.onRequestBody(body, true);
        assertThat(List.of(get, status, set)).extracting(Probe.Step::status).containsOnly(Status.INVALID_MEMORY_ACCESS);
        assertThat(body.toString()).isEqualTo("data");
    }

    @Test
    void aStreamBufferNotThereNowIsEmptyAndReadOnlyAndTheOthersAreNotFound() {
        HttpContext http = p.vm.createRootContext(Probe.plugin("probe")).newHttpContext();
        Probe.Out length = p.out(4);
        Probe.Step statusNotNow = p.call(PROXY_GET_BUFFER_STATUS, RESP_BODY, length, p.out(4));
        Probe.Step statusBadType = p.call(PROXY_GET_BUFFER_STATUS, 9, p.out(4), p.out(4));
        Probe.Step writeNotNow = p.call(PROXY_SET_BUFFER_BYTES, REQ_BODY, 0, 0, p.str("x"));
        Probe.Step writeBadType = p.call(PROXY_SET_BUFFER_BYTES, -1, 0, 0, p.str("x"));
        Probe.Step calloutBody =
                p.call(PROXY_GET_BUFFER_BYTES, BufferType.HTTP_CALL_RESPONSE_BODY.ordinal(), 0, -1, p.outBytes());
        Probe.Step writePluginConfig =
                p.call(PROXY_SET_BUFFER_BYTES, BufferType.PLUGIN_CONFIGURATION.ordinal(), 0, 0, p.str("x"));
        Probe.Step foreignArgs =
                p.call(PROXY_GET_BUFFER_STATUS, BufferType.FOREIGN_FUNCTION_ARGUMENTS.ordinal(), p.out(4), p.out(4));
        Probe.Step grpcMessage =
                p.call(PROXY_GET_BUFFER_STATUS, BufferType.GRPC_CALL_MESSAGE.ordinal(), p.out(4), p.out(4));
        Probe.Step badData = p.call(PROXY_SET_BUFFER_BYTES, REQ_BODY, 0, 0, 0x00400000, 4);
        p.on(
                Probe.Cb.REQUEST_HEADERS,
                statusNotNow,
                statusBadType,
                writeNotNow,
                writeBadType,
                calloutBody,
                writePluginConfig,
                foreignArgs,
                grpcMessage,
                badData);
        p.memory().writeU32(length.ptr, 77);
        http.onRequestHeaders(HeaderMap.of(":path", "/"), false);
        assertThat(List.of(
                        statusNotNow,
                        statusBadType,
                        writeNotNow,
                        writeBadType,
                        calloutBody,
                        writePluginConfig,
                        foreignArgs,
                        grpcMessage,
                        badData))
                .extracting(Probe.Step::status)
                .containsExactly(
                        Status.OK,
                        Status.BAD_ARGUMENT,
                        Status.BAD_ARGUMENT,
                        Status.BAD_ARGUMENT,
                        Status.NOT_FOUND,
                        Status.NOT_FOUND,
                        Status.NOT_FOUND,
                        Status.OK,
                        Status.INVALID_MEMORY_ACCESS);
        assertThat(length.u32()).isZero();
    }

    @Test
    void theVmConfigurationIsReadableFromAStreamContextAsInEnvoy() {
        PluginConfig vmConfig =
                Probe.plugin("probe").toBuilder().vmConfiguration("vm-cfg").build();
        Probe q = Probe.create(
                ProxyWasmModule.Engine.COMPILER,
                dev.wasmesh.host.abi.AbiVersion.V0_2_1,
                vmConfig,
                new HostEnvironment(),
                new WasmVm.Options());
        HttpContext http = q.vm.createRootContext(
                        vmConfig.toBuilder().pluginConfiguration("plugin-cfg").build())
                .newHttpContext();
        Probe.OutBytes vm = q.outBytes();
        Probe.Step vmRead = q.call(PROXY_GET_BUFFER_BYTES, BufferType.VM_CONFIGURATION.ordinal(), 0, -1, vm);
        Probe.Step pluginRead =
                q.call(PROXY_GET_BUFFER_BYTES, BufferType.PLUGIN_CONFIGURATION.ordinal(), 0, -1, q.outBytes());
        q.on(Probe.Cb.REQUEST_HEADERS, vmRead, pluginRead);
        http.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        assertThat(vmRead.status()).isEqualTo(Status.OK);
        assertThat(vm.string()).isEqualTo("vm-cfg");
        assertThat(pluginRead.status()).isEqualTo(Status.NOT_FOUND); // only during proxy_on_configure
    }
}
