package dev.wasmesh.host;

import static dev.wasmesh.host.Probe.Cb.GRPC_CLOSE;
import static dev.wasmesh.host.Probe.Cb.GRPC_RECEIVE;
import static dev.wasmesh.host.Probe.Cb.GRPC_RECEIVE_INITIAL_METADATA;
import static dev.wasmesh.host.Probe.Cb.GRPC_RECEIVE_TRAILING_METADATA;
import static dev.wasmesh.host.Probe.Cb.HTTP_CALL_RESPONSE;
import static dev.wasmesh.host.Probe.Cb.REQUEST_HEADERS;
import static dev.wasmesh.host.Probe.Op.PROXY_ADD_HEADER_MAP_VALUE;
import static dev.wasmesh.host.Probe.Op.PROXY_CONTINUE_STREAM;
import static dev.wasmesh.host.Probe.Op.PROXY_GET_BUFFER_BYTES;
import static dev.wasmesh.host.Probe.Op.PROXY_GET_HEADER_MAP_PAIRS;
import static dev.wasmesh.host.Probe.Op.PROXY_GET_HEADER_MAP_VALUE;
import static dev.wasmesh.host.Probe.Op.PROXY_GET_STATUS;
import static dev.wasmesh.host.Probe.Op.PROXY_GRPC_CALL;
import static dev.wasmesh.host.Probe.Op.PROXY_GRPC_CANCEL;
import static dev.wasmesh.host.Probe.Op.PROXY_GRPC_CLOSE;
import static dev.wasmesh.host.Probe.Op.PROXY_GRPC_SEND;
import static dev.wasmesh.host.Probe.Op.PROXY_GRPC_STREAM;
import static dev.wasmesh.host.Probe.Op.PROXY_HTTP_CALL;
import static dev.wasmesh.host.Probe.Op.PROXY_SET_EFFECTIVE_CONTEXT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.host.abi.AbiVersion;
import dev.wasmesh.host.abi.BufferType;
import dev.wasmesh.host.abi.HeaderPairs;
import dev.wasmesh.host.abi.MapType;
import dev.wasmesh.host.abi.Status;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CalloutFunctionsTest {
    private static final int REQ = MapType.HTTP_REQUEST_HEADERS.ordinal();

    private final RecordingTransport transport = new RecordingTransport("backend");
    private final Probe p = Probe.create(ProxyWasmModule.Engine.COMPILER, AbiVersion.V0_2_1, Probe.plugin("probe"),
            new HostEnvironment().transport(transport), new WasmVm.Options());
    private final RootContext root = p.vm.createRootContext(Probe.plugin("probe"));
    private final RecordingControl control = new RecordingControl();
    private final HttpContext http = root.newHttpContext(control, new StreamInfo());

    private Probe.Bytes headers(String... kv) {
        return p.bytes(HeaderPairs.encode(HeaderMap.of(kv)));
    }

    private Probe.Step httpCall(String cluster, Probe.Bytes headers, Probe.Out token) {
        return p.call(PROXY_HTTP_CALL, p.str(cluster), headers, p.str("req-body"), p.str(""), 1500, token);
    }

    @Test
    void httpCallResponseArrivesOnTheRootContextAndActsOnTheStreamItSelects() {
        Probe.Out token = p.out(4);
        Probe.Step call = httpCall("backend",
                headers(":method", "POST", ":path", "/x", ":authority", "backend", "x-h", "1"), token);
        p.on(REQUEST_HEADERS, call);
        HeaderMap request = HeaderMap.of(":path", "/");
        http.onRequestHeaders(request, true);
        assertThat(call.status()).isEqualTo(Status.OK);
        HttpCallout out = transport.lastHttp();
        assertThat(out.token()).isEqualTo(token.u32());
        assertThat(out.cluster()).isEqualTo("backend");
        assertThat(out.headers().get("x-h")).contains("1");
        assertThat(new String(out.body(), StandardCharsets.UTF_8)).isEqualTo("req-body");
        assertThat(out.timeout().toMillis()).isEqualTo(1500);
        assertThat(out.origin()).isSameAs(root);

        Probe.OutBytes status = p.outBytes();
        Probe.OutBytes body = p.outBytes();
        Probe.OutBytes trailers = p.outBytes();
        Probe.Step[] onResponse = {
            p.call(PROXY_GET_HEADER_MAP_VALUE, MapType.HTTP_CALL_RESPONSE_HEADERS.ordinal(), p.str(":status"), status),
            p.call(PROXY_GET_BUFFER_BYTES, BufferType.HTTP_CALL_RESPONSE_BODY.ordinal(), 0, -1, body),
            p.call(PROXY_GET_HEADER_MAP_PAIRS, MapType.HTTP_CALL_RESPONSE_TRAILERS.ordinal(), trailers),
            p.call(PROXY_SET_EFFECTIVE_CONTEXT, http.id()),
            p.call(PROXY_ADD_HEADER_MAP_VALUE, REQ, p.str("x-from-callout"), p.str("yes")),
            p.call(PROXY_CONTINUE_STREAM, 0)};
        p.on(HTTP_CALL_RESPONSE, onResponse);
        out.respond(HeaderMap.of(":status", "202"), "pong".getBytes(StandardCharsets.UTF_8),
                HeaderMap.of("t", "1"));
        assertThat(p.callbacks()).doesNotContain(HTTP_CALL_RESPONSE); // delivered on the VM's thread only
        assertThat(p.vm.runPending()).isEqualTo(1);

        assertThat(onResponse).extracting(Probe.Step::status).containsOnly(Status.OK);
        assertThat(status.string()).isEqualTo("202");
        assertThat(body.string()).isEqualTo("pong");
        assertThat(HeaderPairs.decode(trailers.bytes()).get("t")).contains("1");
        assertThat(request.get("x-from-callout")).contains("yes");
        assertThat(control.actions).containsExactly("continue HTTP_REQUEST");
        assertThat(p.events()).filteredOn(e -> e.cb() == HTTP_CALL_RESPONSE).singleElement()
                .satisfies(e -> assertThat(e.args()).containsExactly(root.id(), token.u32(), 1, 4, 1));
    }

    @Test
    void aFailedCallReportsNoHeadersAndNoBody() {
        Probe.Out token = p.out(4);
        p.on(REQUEST_HEADERS, httpCall("backend", headers(":method", "GET", ":path", "/", ":authority", "b"), token));
        http.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        transport.lastHttp().fail();
        transport.lastHttp().respond(HeaderMap.of(":status", "200"), new byte[0], new HeaderMap()); // ignored
        p.vm.runPending();
        assertThat(p.events()).filteredOn(e -> e.cb() == HTTP_CALL_RESPONSE).singleElement()
                .satisfies(e -> assertThat(e.args()).containsExactly(root.id(), token.u32(), 0, 0, 0));
    }

    @Test
    void httpCallNeedsPseudoHeadersAndAKnownCluster() {
        Probe.Step noPath = httpCall("backend", headers(":method", "GET", ":authority", "b"), p.out(4));
        Probe.Step noMethod = httpCall("backend", headers(":path", "/", ":authority", "b"), p.out(4));
        Probe.Step noAuthority = httpCall("backend", headers(":method", "GET", ":path", "/"), p.out(4));
        Probe.Step unknownCluster = httpCall("nowhere", headers(":method", "GET", ":path", "/", ":authority", "b"),
                p.out(4));
        p.on(REQUEST_HEADERS, noPath, noMethod, noAuthority, unknownCluster);
        http.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        assertThat(List.of(noPath, noMethod, noAuthority, unknownCluster)).extracting(Probe.Step::status)
                .containsOnly(Status.BAD_ARGUMENT);
        assertThat(transport.httpCalls).isEmpty();
    }

    @Test
    void aBadTokenPointerStartsNoCall() {
        Probe.Step call = p.call(PROXY_HTTP_CALL, p.str("backend"),
                headers(":method", "GET", ":path", "/", ":authority", "b"), p.str(""), p.str(""), 100, 0x7FFFFFF0);
        p.on(REQUEST_HEADERS, call);
        http.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        assertThat(call.status()).isEqualTo(Status.INVALID_MEMORY_ACCESS);
        assertThat(transport.httpCalls).isEmpty();
    }

    @Test
    void unaryGrpcCallDeliversAllFourCallbacks() {
        Probe.Out token = p.out(4);
        Probe.Step call = p.call(PROXY_GRPC_CALL, p.str("backend"), p.str("pkg.Svc"), p.str("Do"),
                headers("x-md", "1"), p.str("request"), 2000, token);
        p.on(REQUEST_HEADERS, call);
        http.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        assertThat(call.status()).isEqualTo(Status.OK);
        GrpcCallout grpc = transport.lastGrpc();
        assertThat(grpc.service()).isEqualTo("pkg.Svc");
        assertThat(grpc.method()).isEqualTo("Do");
        assertThat(grpc.initialMetadata().get("x-md")).contains("1");
        assertThat(new String(grpc.message(), StandardCharsets.UTF_8)).isEqualTo("request");
        assertThat(grpc.streaming()).isFalse();
        assertThat(grpc.token()).isEqualTo(token.u32());

        Probe.OutBytes initial = p.outBytes();
        Probe.OutBytes message = p.outBytes();
        Probe.OutBytes trailing = p.outBytes();
        Probe.Out code = p.out(4);
        Probe.OutBytes statusMessage = p.outBytes();
        Probe.Step readInitial = p.call(PROXY_GET_HEADER_MAP_VALUE, MapType.GRPC_CALL_INITIAL_METADATA.ordinal(),
                p.str("im"), initial);
        Probe.Step readMessage = p.call(PROXY_GET_BUFFER_BYTES, BufferType.GRPC_CALL_MESSAGE.ordinal(), 0, -1,
                message);
        Probe.Step readTrailing = p.call(PROXY_GET_HEADER_MAP_VALUE, MapType.GRPC_CALL_TRAILING_METADATA.ordinal(),
                p.str("tm"), trailing);
        Probe.Step readStatus = p.call(PROXY_GET_STATUS, code, statusMessage);
        p.on(GRPC_RECEIVE_INITIAL_METADATA, readInitial).on(GRPC_RECEIVE, readMessage)
                .on(GRPC_RECEIVE_TRAILING_METADATA, readTrailing).on(GRPC_CLOSE, readStatus);
        grpc.receiveInitialMetadata(HeaderMap.of("im", "a"));
        grpc.receiveMessage("reply".getBytes(StandardCharsets.UTF_8));
        grpc.receiveTrailingMetadata(HeaderMap.of("tm", "b", "tm2", "c"));
        grpc.close(5, "not found");
        assertThat(p.vm.runPending()).isEqualTo(4);

        assertThat(List.of(readInitial, readMessage, readTrailing, readStatus)).extracting(Probe.Step::status)
                .containsOnly(Status.OK);
        assertThat(initial.string()).isEqualTo("a");
        assertThat(message.string()).isEqualTo("reply");
        assertThat(trailing.string()).isEqualTo("b");
        assertThat(code.u32()).isEqualTo(5);
        assertThat(statusMessage.string()).isEqualTo("not found");
        int t = token.u32();
        assertThat(p.events()).filteredOn(e -> e.cb().name().startsWith("GRPC"))
                .extracting(Probe.Event::toString).containsExactly(
                        "GRPC_RECEIVE_INITIAL_METADATA[" + root.id() + ", " + t + ", 1, 0, 0]",
                        "GRPC_RECEIVE[" + root.id() + ", " + t + ", 5, 0, 0]",
                        "GRPC_RECEIVE_TRAILING_METADATA[" + root.id() + ", " + t + ", 2, 0, 0]",
                        "GRPC_CLOSE[" + root.id() + ", " + t + ", 5, 0, 0]");
    }

    @Test
    void grpcStreamSendCancelAndClose() {
        Probe.Out token = p.out(4);
        Probe.Out second = p.out(4);
        Probe.Step open = p.call(PROXY_GRPC_STREAM, p.str("backend"), p.str("pkg.Svc"), p.str("Stream"), p.str(""),
                token);
        Probe.Step openSecond = p.call(PROXY_GRPC_STREAM, p.str("backend"), p.str("pkg.Svc"), p.str("Stream"),
                p.str(""), second);
        p.on(REQUEST_HEADERS, open, openSecond);
        http.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        assertThat(transport.grpcCalls).hasSize(2).allSatisfy(c -> assertThat(c.streaming()).isTrue());

        Probe.Step send = p.call(PROXY_GRPC_SEND, token.u32(), p.str("m1"), 0);
        Probe.Step sendEnd = p.call(PROXY_GRPC_SEND, token.u32(), p.str("m2"), 1);
        Probe.Step close = p.call(PROXY_GRPC_CLOSE, token.u32());
        Probe.Step cancel = p.call(PROXY_GRPC_CANCEL, second.u32());
        Probe.Step sendAfterCancel = p.call(PROXY_GRPC_SEND, second.u32(), p.str("late"), 0);
        Probe.Step unknown = p.call(PROXY_GRPC_SEND, 9999, p.str("x"), 0);
        Probe.Step cancelUnknown = p.call(PROXY_GRPC_CANCEL, 9999);
        p.on(Probe.Cb.REQUEST_BODY, send, sendEnd, close, cancel, sendAfterCancel, unknown, cancelUnknown);
        http.onRequestBody(Body.of("b"), true);
        assertThat(List.of(send, sendEnd, close, cancel)).extracting(Probe.Step::status).containsOnly(Status.OK);
        assertThat(sendAfterCancel.status()).isEqualTo(Status.BAD_ARGUMENT);
        assertThat(unknown.status()).isEqualTo(Status.NOT_FOUND);
        assertThat(cancelUnknown.status()).isEqualTo(Status.NOT_FOUND);
        assertThat(transport.outbound).containsExactly("send m1", "send m2 end", "close " + token.u32(),
                "cancel " + second.u32());
        assertThat(transport.grpcCalls.get(0).sentMessages()).hasSize(2);
    }

    @Test
    void grpcNeedsServiceMethodAndKnownCluster() {
        Probe.Step unknownCluster = p.call(PROXY_GRPC_CALL, p.str("nowhere"), p.str("S"), p.str("M"), p.str(""),
                p.str("m"), 100, p.out(4));
        Probe.Step noService = p.call(PROXY_GRPC_CALL, p.str("backend"), p.str(""), p.str("M"), p.str(""),
                p.str("m"), 100, p.out(4));
        Probe.Step noMethod = p.call(PROXY_GRPC_STREAM, p.str("backend"), p.str("S"), p.str(""), p.str(""),
                p.out(4));
        p.on(REQUEST_HEADERS, unknownCluster, noService, noMethod);
        http.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        assertThat(List.of(unknownCluster, noService, noMethod)).extracting(Probe.Step::status)
                .containsOnly(Status.BAD_ARGUMENT);
        assertThat(transport.grpcCalls).isEmpty();
    }

    @Test
    void theCppSdksGrpcServiceUpstreamNamesTheCluster() {
        // envoy.config.core.v3.GrpcService{envoy_grpc{cluster_name: "backend"}}
        byte[] service = {0x0a, 0x09, 0x0a, 0x07, 'b', 'a', 'c', 'k', 'e', 'n', 'd'};
        Probe.Step call = p.call(PROXY_GRPC_CALL, p.bytes(service), p.str("S"), p.str("M"), p.str(""), p.str("m"),
                100, p.out(4));
        p.on(REQUEST_HEADERS, call);
        http.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        assertThat(call.status()).isEqualTo(Status.OK);
        assertThat(transport.lastGrpc().cluster()).isEqualTo("backend");
    }

    @Test
    void responsesForADeletedRootContextAreDropped() {
        p.on(REQUEST_HEADERS, httpCall("backend", headers(":method", "GET", ":path", "/", ":authority", "b"),
                p.out(4)));
        http.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        http.finish();
        root.shutdown();
        transport.lastHttp().respond(HeaderMap.of(":status", "200"), new byte[0], new HeaderMap());
        p.vm.runPending();
        assertThat(p.callbacks()).doesNotContain(HTTP_CALL_RESPONSE);
    }

    @Test
    void statusDuringAnHttpCallResponseIsTheResponseStatus() {
        Probe.Out ok = p.out(4);
        Probe.Out failed = p.out(4);
        p.on(REQUEST_HEADERS, httpCall("backend", headers(":method", "GET", ":path", "/", ":authority", "b"), ok),
                httpCall("backend", headers(":method", "GET", ":path", "/", ":authority", "b"), failed));
        http.onRequestHeaders(HeaderMap.of(":path", "/"), true);

        Probe.Out code = p.out(4);
        Probe.OutBytes message = p.outBytes();
        Probe.Step status = p.call(PROXY_GET_STATUS, code, message);
        p.on(HTTP_CALL_RESPONSE, status);
        transport.httpCalls.get(0).respond(HeaderMap.of(":status", "503"), new byte[0], new HeaderMap());
        p.vm.runPending();
        assertThat(status.status()).isEqualTo(Status.OK);
        assertThat(code.u32()).isEqualTo(503);
        assertThat(message.length()).isZero();

        Probe.Out failedCode = p.out(4);
        Probe.Step afterFailure = p.call(PROXY_GET_STATUS, failedCode, p.outBytes());
        p.on(HTTP_CALL_RESPONSE, afterFailure);
        p.memory().writeU32(failedCode.ptr, 77);
        transport.httpCalls.get(1).fail();
        p.vm.runPending();
        assertThat(afterFailure.status()).isEqualTo(Status.OK);
        assertThat(failedCode.u32()).isZero(); // no response, so no :status
    }

    @Test
    void sendingOnAUnaryCallIsBadArgumentAndUnknownTokensAreNotFound() {
        Probe.Out token = p.out(4);
        p.on(REQUEST_HEADERS, p.call(PROXY_GRPC_CALL, p.str("backend"), p.str("S"), p.str("M"), p.str(""),
                p.str("m"), 100, token));
        http.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        Probe.Step sendUnary = p.call(PROXY_GRPC_SEND, token.u32(), p.str("more"), 0);
        Probe.Step closeUnknown = p.call(PROXY_GRPC_CLOSE, 9999);
        p.on(Probe.Cb.REQUEST_BODY, sendUnary, closeUnknown);
        http.onRequestBody(Body.of("b"), true);
        assertThat(List.of(sendUnary, closeUnknown)).extracting(Probe.Step::status)
                .containsExactly(Status.BAD_ARGUMENT, Status.NOT_FOUND);
        assertThat(transport.lastGrpc().sentMessages()).isEmpty();
        assertThat(transport.outbound).isEmpty();
    }

    @Test
    void theOlderTrailingMetadataExportIsCalledWhenTheSpecNameIsMissing() {
        String legacy = Probe.wat(AbiVersion.V0_2_1).replace("(export \"proxy_on_grpc_receive_trailing_metadata\")",
                "(export \"proxy_on_grpc_trailing_metadata\")");
        assertThat(legacy).doesNotContain("proxy_on_grpc_receive_trailing_metadata");
        RecordingTransport t = new RecordingTransport("backend");
        Probe q = Probe.create(Wat.module(legacy, ProxyWasmModule.Engine.COMPILER), Probe.plugin("probe"),
                new HostEnvironment().transport(t), new WasmVm.Options());
        HttpContext stream = q.vm.createRootContext(Probe.plugin("probe")).newHttpContext();
        q.on(REQUEST_HEADERS, q.call(PROXY_GRPC_CALL, q.str("backend"), q.str("S"), q.str("M"), q.str(""),
                q.str("m"), 100, q.out(4)));
        stream.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        Probe.OutBytes value = q.outBytes();
        Probe.Step read = q.call(PROXY_GET_HEADER_MAP_VALUE, MapType.GRPC_CALL_TRAILING_METADATA.ordinal(),
                q.str("grpc-status"), value);
        q.on(GRPC_RECEIVE_TRAILING_METADATA, read);
        t.lastGrpc().receiveTrailingMetadata(HeaderMap.of("grpc-status", "0"));
        q.vm.runPending();
        assertThat(q.callbacks()).contains(GRPC_RECEIVE_TRAILING_METADATA);
        assertThat(read.status()).isEqualTo(Status.OK);
        assertThat(value.string()).isEqualTo("0");
    }
}
