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
import static dev.wasmesh.host.Probe.Op.PROXY_GET_HEADER_MAP_SIZE;
import static dev.wasmesh.host.Probe.Op.PROXY_GET_HEADER_MAP_VALUE;
import static dev.wasmesh.host.Probe.Op.PROXY_GET_STATUS;
import static dev.wasmesh.host.Probe.Op.PROXY_GRPC_CALL;
import static dev.wasmesh.host.Probe.Op.PROXY_GRPC_CANCEL;
import static dev.wasmesh.host.Probe.Op.PROXY_GRPC_CLOSE;
import static dev.wasmesh.host.Probe.Op.PROXY_GRPC_SEND;
import static dev.wasmesh.host.Probe.Op.PROXY_GRPC_STREAM;
import static dev.wasmesh.host.Probe.Op.PROXY_HTTP_CALL;
import static dev.wasmesh.host.Probe.Op.PROXY_REMOVE_HEADER_MAP_VALUE;
import static dev.wasmesh.host.Probe.Op.PROXY_REPLACE_HEADER_MAP_VALUE;
import static dev.wasmesh.host.Probe.Op.PROXY_SET_BUFFER_BYTES;
import static dev.wasmesh.host.Probe.Op.PROXY_SET_EFFECTIVE_CONTEXT;
import static dev.wasmesh.host.Probe.Op.PROXY_SET_HEADER_MAP_PAIRS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wasmesh.host.abi.AbiVersion;
import dev.wasmesh.host.abi.BufferType;
import dev.wasmesh.host.abi.MapType;
import dev.wasmesh.host.abi.Status;
import dev.wasmesh.host.internal.HeaderPairs;
import dev.wasmesh.host.module.ProxyWasmModule;
import dev.wasmesh.host.stream.Action;
import dev.wasmesh.host.stream.Body;
import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.host.stream.StreamInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CalloutFunctionsTest {
    private static final int REQ = MapType.HTTP_REQUEST_HEADERS.ordinal();

    private final RecordingTransport transport = new RecordingTransport("backend");
    private final Probe p = Probe.create(
            ProxyWasmModule.Engine.COMPILER,
            AbiVersion.V0_2_1,
            Probe.plugin("probe"),
            new HostEnvironment().transport(transport),
            new WasmVm.Options());
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
        Probe.Step call = httpCall(
                "backend", headers(":method", "POST", ":path", "/x", ":authority", "backend", "x-h", "1"), token);
        p.on(REQUEST_HEADERS, call).returns(REQUEST_HEADERS, 1);
        HeaderMap request = HeaderMap.of(":path", "/");
        assertThat(http.onRequestHeaders(request, true)).isEqualTo(Action.PAUSE);
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
            p.call(PROXY_CONTINUE_STREAM, 0)
        };
        p.on(HTTP_CALL_RESPONSE, onResponse);
        out.respond(HeaderMap.of(":status", "202"), "pong".getBytes(StandardCharsets.UTF_8), HeaderMap.of("t", "1"));
        assertThat(p.callbacks()).doesNotContain(HTTP_CALL_RESPONSE); // delivered on the VM's thread only
        assertThat(p.vm.runPending()).isEqualTo(1);

        assertThat(onResponse).extracting(Probe.Step::status).containsOnly(Status.OK);
        assertThat(status.string()).isEqualTo("202");
        assertThat(body.string()).isEqualTo("pong");
        assertThat(HeaderPairs.decode(trailers.bytes()).get("t")).contains("1");
        assertThat(request.get("x-from-callout")).contains("yes");
        assertThat(control.actions).containsExactly("continue HTTP_REQUEST");
        assertThat(p.events())
                .filteredOn(e -> e.cb() == HTTP_CALL_RESPONSE)
                .singleElement()
                .satisfies(e -> assertThat(e.args()).containsExactly(root.id(), token.u32(), 1, 4, 1));
    }

    @Test
    void aFailedCallReportsNoHeadersAndNoBody() {
        Probe.Out token = p.out(4);
        p.on(REQUEST_HEADERS, httpCall("backend", headers(":method", "GET", ":path", "/", ":authority", "b"), token));
        http.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        Probe.OutBytes pairs = p.outBytes();
        Probe.Out code = p.out(4);
        Probe.OutBytes message = p.outBytes();
        Probe.Step value = p.call(
                PROXY_GET_HEADER_MAP_VALUE,
                MapType.HTTP_CALL_RESPONSE_HEADERS.ordinal(),
                p.str(":status"),
                p.outBytes());
        Probe.Step allPairs = p.call(PROXY_GET_HEADER_MAP_PAIRS, MapType.HTTP_CALL_RESPONSE_HEADERS.ordinal(), pairs);
        Probe.Step body =
                p.call(PROXY_GET_BUFFER_BYTES, BufferType.HTTP_CALL_RESPONSE_BODY.ordinal(), 0, -1, p.outBytes());
        Probe.Step status = p.call(PROXY_GET_STATUS, code, message);
        p.on(HTTP_CALL_RESPONSE, value, allPairs, body, status);
        transport.lastHttp().fail();
        transport.lastHttp().respond(HeaderMap.of(":status", "200"), new byte[0], new HeaderMap()); // ignored
        p.vm.runPending();
        assertThat(p.events())
                .filteredOn(e -> e.cb() == HTTP_CALL_RESPONSE)
                .singleElement()
                .satisfies(e -> assertThat(e.args()).containsExactly(root.id(), token.u32(), 0, 0, 0));
        // As Envoy: no response at all, so no maps (BAD_ARGUMENT, empty pairs) and no body (NOT_FOUND).
        assertThat(List.of(value, allPairs, body, status))
                .extracting(Probe.Step::status)
                .containsExactly(Status.BAD_ARGUMENT, Status.OK, Status.NOT_FOUND, Status.OK);
        assertThat(pairs.length()).isZero();
        assertThat(code.u32()).isEqualTo(Status.BROKEN_CONNECTION.code());
        assertThat(message.string()).isEqualTo("reset");
    }

    @Test
    void callOutResponsesAreReadOnly() {
        p.on(
                REQUEST_HEADERS,
                httpCall("backend", headers(":method", "GET", ":path", "/", ":authority", "b"), p.out(4)));
        http.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        int headersMap = MapType.HTTP_CALL_RESPONSE_HEADERS.ordinal();
        Probe.OutBytes noTrailers = p.outBytes();
        List<Probe.Step> refused = List.of(
                p.call(PROXY_ADD_HEADER_MAP_VALUE, headersMap, p.str("x"), p.str("1")),
                p.call(PROXY_REPLACE_HEADER_MAP_VALUE, headersMap, p.str(":status"), p.str("500")),
                p.call(PROXY_REMOVE_HEADER_MAP_VALUE, headersMap, p.str(":status")),
                p.call(PROXY_SET_HEADER_MAP_PAIRS, headersMap, headers("a", "b")),
                p.call(PROXY_GET_HEADER_MAP_SIZE, headersMap, p.out(4)),
                p.call(PROXY_SET_BUFFER_BYTES, BufferType.HTTP_CALL_RESPONSE_BODY.ordinal(), 0, 0, p.str("x")),
                p.call(
                        PROXY_GET_HEADER_MAP_VALUE,
                        MapType.HTTP_CALL_RESPONSE_TRAILERS.ordinal(),
                        p.str("t"),
                        p.outBytes()));
        Probe.Step trailerPairs =
                p.call(PROXY_GET_HEADER_MAP_PAIRS, MapType.HTTP_CALL_RESPONSE_TRAILERS.ordinal(), noTrailers);
        Probe.OutBytes status = p.outBytes();
        Probe.OutBytes body = p.outBytes();
        Probe.Step readStatus = p.call(PROXY_GET_HEADER_MAP_VALUE, headersMap, p.str(":status"), status);
        Probe.Step readBody = p.call(PROXY_GET_BUFFER_BYTES, BufferType.HTTP_CALL_RESPONSE_BODY.ordinal(), 0, -1, body);
        List<Probe.Step> steps = new ArrayList<>(refused);
        steps.addAll(List.of(trailerPairs, readStatus, readBody));
        p.on(HTTP_CALL_RESPONSE, steps.toArray(Probe.Step[]::new));
        transport
                .lastHttp()
                .respond(HeaderMap.of(":status", "200"), "ok".getBytes(StandardCharsets.UTF_8), new HeaderMap());
        p.vm.runPending();
        assertThat(refused).extracting(Probe.Step::status).containsOnly(Status.BAD_ARGUMENT);
        assertThat(List.of(trailerPairs, readStatus, readBody))
                .extracting(Probe.Step::status)
                .containsOnly(Status.OK);
        assertThat(noTrailers.length()).isZero(); // a response without trailers has no trailer map
        assertThat(status.string()).isEqualTo("200");
        assertThat(body.string()).isEqualTo("ok");
    }

    @Test
    void httpCallNeedsPseudoHeadersAndAKnownCluster() {
        Probe.Step noPath = httpCall("backend", headers(":method", "GET", ":authority", "b"), p.out(4));
        Probe.Step noMethod = httpCall("backend", headers(":path", "/", ":authority", "b"), p.out(4));
        Probe.Step noAuthority = httpCall("backend", headers(":method", "GET", ":path", "/"), p.out(4));
        Probe.Step unknownCluster =
                httpCall("nowhere", headers(":method", "GET", ":path", "/", ":authority", "b"), p.out(4));
        Probe.Bytes fine = headers(":method", "GET", ":path", "/", ":authority", "b");
        // Envoy takes the timeout as a signed int: 2^31 ms and more are negative there.
        Probe.Step negativeTimeout =
                p.call(PROXY_HTTP_CALL, p.str("backend"), fine, p.str(""), p.str(""), 0x80000000, p.out(4));
        Probe.Step allOnesTimeout = p.call(PROXY_HTTP_CALL, p.str("backend"), fine, p.str(""), p.str(""), -1, p.out(4));
        Probe.Step injectedHeader = httpCall(
                "backend", headers(":method", "GET", ":path", "/\r\nx-injected: 1", ":authority", "b"), p.out(4));
        Probe.Step injectedTrailer =
                p.call(PROXY_HTTP_CALL, p.str("backend"), fine, p.str(""), headers("t", "1\n2"), 100, p.out(4));
        Probe.Step longestTimeout =
                p.call(PROXY_HTTP_CALL, p.str("backend"), fine, p.str(""), p.str(""), 0x7FFFFFFF, p.out(4));
        p.on(
                REQUEST_HEADERS,
                noPath,
                noMethod,
                noAuthority,
                unknownCluster,
                negativeTimeout,
                allOnesTimeout,
                injectedHeader,
                injectedTrailer,
                longestTimeout);
        http.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        assertThat(List.of(
                        noPath,
                        noMethod,
                        noAuthority,
                        unknownCluster,
                        negativeTimeout,
                        allOnesTimeout,
                        injectedHeader,
                        injectedTrailer))
                .extracting(Probe.Step::status)
                .containsOnly(Status.BAD_ARGUMENT);
        assertThat(longestTimeout.status()).isEqualTo(Status.OK);
        assertThat(transport.httpCalls)
                .singleElement()
                .satisfies(c -> assertThat(c.timeout().toMillis()).isEqualTo(Integer.MAX_VALUE));
    }

    @Test
    void aBadTokenPointerStartsNoCall() {
        Probe.Step call = p.call(
                PROXY_HTTP_CALL,
                p.str("backend"),
                headers(":method", "GET", ":path", "/", ":authority", "b"),
                p.str(""),
                p.str(""),
                100,
                0x7FFFFFF0);
        p.on(REQUEST_HEADERS, call);
        http.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        assertThat(call.status()).isEqualTo(Status.INVALID_MEMORY_ACCESS);
        assertThat(transport.httpCalls).isEmpty();
    }

    private Probe.Out startUnary() {
        Probe.Out token = p.out(4);
        p.on(
                REQUEST_HEADERS,
                p.call(
                        PROXY_GRPC_CALL,
                        p.str("backend"),
                        p.str("pkg.Svc"),
                        p.str("Do"),
                        headers("x-md", "1"),
                        p.str("request"),
                        2000,
                        token));
        http.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        return token;
    }

    private Probe.Out startStream() {
        Probe.Out token = p.out(4);
        p.on(
                REQUEST_HEADERS,
                p.call(PROXY_GRPC_STREAM, p.str("backend"), p.str("pkg.Svc"), p.str("Stream"), p.str(""), token));
        http.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        return token;
    }

    private List<String> grpcEvents() {
        return p.events().stream()
                .filter(e -> e.cb().name().startsWith("GRPC"))
                .map(Probe.Event::toString)
                .toList();
    }

    @Test
    void aUnaryCallThatSucceedsGetsOnlyItsResponse() {
        Probe.Out token = startUnary();
        GrpcCallout grpc = transport.lastGrpc();
        assertThat(grpc.service()).isEqualTo("pkg.Svc");
        assertThat(grpc.method()).isEqualTo("Do");
        assertThat(grpc.initialMetadata().get("x-md")).contains("1");
        assertThat(new String(grpc.message(), StandardCharsets.UTF_8)).isEqualTo("request");
        assertThat(grpc.streaming()).isFalse();
        assertThat(grpc.token()).isEqualTo(token.u32());

        Probe.OutBytes message = p.outBytes();
        Probe.Out code = p.out(4);
        Probe.Step appendMessage =
                p.call(PROXY_SET_BUFFER_BYTES, BufferType.GRPC_CALL_MESSAGE.ordinal(), 5, 0, p.str("!"));
        Probe.Step readMessage = p.call(PROXY_GET_BUFFER_BYTES, BufferType.GRPC_CALL_MESSAGE.ordinal(), 0, -1, message);
        Probe.Step status = p.call(PROXY_GET_STATUS, code, p.outBytes());
        p.on(GRPC_RECEIVE, appendMessage, readMessage, status);
        grpc.respond("reply".getBytes(StandardCharsets.UTF_8));
        grpc.respond("again".getBytes(StandardCharsets.UTF_8));
        assertThat(p.vm.runPending()).isEqualTo(1);

        // As Envoy's onSuccess: one proxy_on_grpc_receive, the message a buffer the filter may change, no status.
        assertThat(List.of(appendMessage, readMessage, status))
                .extracting(Probe.Step::status)
                .containsOnly(Status.OK);
        assertThat(message.string()).isEqualTo("reply!");
        assertThat(code.u32()).isZero();
        assertThat(grpcEvents()).containsExactly("GRPC_RECEIVE[" + root.id() + ", " + token.u32() + ", 5, 0, 0]");
        // The call is over: its token is unknown now.
        Probe.Step cancel = p.call(PROXY_GRPC_CANCEL, token.u32());
        p.on(Probe.Cb.TICK, cancel);
        root.tick();
        assertThat(cancel.status()).isEqualTo(Status.NOT_FOUND);
        assertThat(transport.outbound).isEmpty();
    }

    @Test
    void aUnaryCallThatFailsGetsOnlyItsClose() {
        Probe.Out token = startUnary();
        GrpcCallout grpc = transport.lastGrpc();
        Probe.Out code = p.out(4);
        Probe.OutBytes statusMessage = p.outBytes();
        Probe.Step readStatus = p.call(PROXY_GET_STATUS, code, statusMessage);
        Probe.Step knownWhileClosing = p.call(PROXY_GRPC_SEND, token.u32(), p.str("x"), 0);
        p.on(GRPC_CLOSE, readStatus, knownWhileClosing);
        grpc.fail(5, "not found");
        grpc.fail(14, "late");
        assertThat(p.vm.runPending()).isEqualTo(1);

        assertThat(readStatus.status()).isEqualTo(Status.OK);
        assertThat(code.u32()).isEqualTo(5);
        assertThat(statusMessage.string()).isEqualTo("not found");
        // As Envoy: during the callback the token is still the unary call's, so a send on it is BAD_ARGUMENT.
        assertThat(knownWhileClosing.status()).isEqualTo(Status.BAD_ARGUMENT);
        assertThat(grpcEvents()).containsExactly("GRPC_CLOSE[" + root.id() + ", " + token.u32() + ", 5, 0, 0]");
        Probe.Step cancel = p.call(PROXY_GRPC_CANCEL, token.u32());
        p.on(Probe.Cb.TICK, cancel);
        root.tick();
        assertThat(cancel.status()).isEqualTo(Status.NOT_FOUND);
    }

    @Test
    void theTransportCannotReportStreamEventsForAUnaryCallNorTheOtherWayRound() {
        p.on(
                REQUEST_HEADERS,
                p.call(PROXY_GRPC_CALL, p.str("backend"), p.str("S"), p.str("M"), p.str(""), p.str("m"), 100, p.out(4)),
                p.call(PROXY_GRPC_STREAM, p.str("backend"), p.str("S"), p.str("M"), p.str(""), p.out(4)));
        http.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        GrpcCallout unary = transport.grpcCalls.get(0);
        GrpcCallout stream = transport.grpcCalls.get(1);
        assertThatThrownBy(() -> unary.receiveInitialMetadata(new HeaderMap()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no metadata for a unary call");
        assertThatThrownBy(() -> unary.receiveMessage(new byte[0])).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> unary.receiveTrailingMetadata(new HeaderMap()))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> unary.close(0, "")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> unary.fail(0, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> stream.respond(new byte[0])).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> stream.fail(14, "")).isInstanceOf(IllegalStateException.class);
        assertThat(p.vm.runPending()).isZero();
    }

    @Test
    void aStreamGetsMetadataMessagesAndClose() {
        Probe.Out token = startStream();
        GrpcCallout grpc = transport.lastGrpc();
        Probe.OutBytes initial = p.outBytes();
        Probe.OutBytes message = p.outBytes();
        Probe.OutBytes trailing = p.outBytes();
        Probe.Out code = p.out(4);
        Probe.OutBytes statusMessage = p.outBytes();
        Probe.Step readInitial =
                p.call(PROXY_GET_HEADER_MAP_VALUE, MapType.GRPC_CALL_INITIAL_METADATA.ordinal(), p.str("im"), initial);
        Probe.Step readMessage = p.call(PROXY_GET_BUFFER_BYTES, BufferType.GRPC_CALL_MESSAGE.ordinal(), 0, -1, message);
        Probe.Step readTrailing = p.call(
                PROXY_GET_HEADER_MAP_VALUE, MapType.GRPC_CALL_TRAILING_METADATA.ordinal(), p.str("tm"), trailing);
        Probe.Step readStatus = p.call(PROXY_GET_STATUS, code, statusMessage);
        Probe.Step addInitial = p.call(
                PROXY_ADD_HEADER_MAP_VALUE, MapType.GRPC_CALL_INITIAL_METADATA.ordinal(), p.str("x"), p.str("1"));
        Probe.Step sizeTrailing =
                p.call(PROXY_GET_HEADER_MAP_SIZE, MapType.GRPC_CALL_TRAILING_METADATA.ordinal(), p.out(4));
        Probe.Step removeTrailing =
                p.call(PROXY_REMOVE_HEADER_MAP_VALUE, MapType.GRPC_CALL_TRAILING_METADATA.ordinal(), p.str("tm"));
        Probe.Step appendMessage =
                p.call(PROXY_SET_BUFFER_BYTES, BufferType.GRPC_CALL_MESSAGE.ordinal(), 5, 0, p.str("!"));
        p.on(GRPC_RECEIVE_INITIAL_METADATA, readInitial, addInitial)
                .on(GRPC_RECEIVE, appendMessage, readMessage)
                .on(GRPC_RECEIVE_TRAILING_METADATA, readTrailing, sizeTrailing, removeTrailing)
                .on(GRPC_CLOSE, readStatus);
        grpc.receiveInitialMetadata(HeaderMap.of("im", "a"));
        grpc.receiveMessage("reply".getBytes(StandardCharsets.UTF_8));
        grpc.receiveTrailingMetadata(HeaderMap.of("tm", "b", "tm2", "c"));
        grpc.close(5, "not found");
        grpc.receiveMessage("after the close".getBytes(StandardCharsets.UTF_8));
        assertThat(p.vm.runPending()).isEqualTo(4);

        assertThat(List.of(readInitial, readMessage, readTrailing, readStatus, appendMessage))
                .extracting(Probe.Step::status)
                .containsOnly(Status.OK);
        // As Envoy: gRPC metadata is read-only, the received message is a buffer the filter may change.
        assertThat(List.of(addInitial, sizeTrailing, removeTrailing))
                .extracting(Probe.Step::status)
                .containsOnly(Status.BAD_ARGUMENT);
        assertThat(initial.string()).isEqualTo("a");
        assertThat(message.string()).isEqualTo("reply!");
        assertThat(trailing.string()).isEqualTo("b");
        assertThat(code.u32()).isEqualTo(5);
        assertThat(statusMessage.string()).isEqualTo("not found");
        int t = token.u32();
        assertThat(grpcEvents())
                .containsExactly(
                        "GRPC_RECEIVE_INITIAL_METADATA[" + root.id() + ", " + t + ", 1, 0, 0]",
                        "GRPC_RECEIVE[" + root.id() + ", " + t + ", 5, 0, 0]",
                        "GRPC_RECEIVE_TRAILING_METADATA[" + root.id() + ", " + t + ", 2, 0, 0]",
                        "GRPC_CLOSE[" + root.id() + ", " + t + ", 5, 0, 0]");
    }

    @Test
    void aStreamTheServerClosedStaysUntilTheFilterClosesIt() {
        Probe.Out token = startStream();
        GrpcCallout grpc = transport.lastGrpc();
        Probe.Step sendWhileClosing = p.call(PROXY_GRPC_SEND, token.u32(), p.str("in close"), 0);
        p.on(GRPC_CLOSE, sendWhileClosing);
        grpc.close(0, "");
        p.vm.runPending();
        Probe.Step sendAfter = p.call(PROXY_GRPC_SEND, token.u32(), p.str("after"), 1);
        Probe.Step close = p.call(PROXY_GRPC_CLOSE, token.u32());
        Probe.Step sendAfterClose = p.call(PROXY_GRPC_SEND, token.u32(), p.str("gone"), 0);
        Probe.Step closeAgain = p.call(PROXY_GRPC_CLOSE, token.u32());
        p.on(Probe.Cb.TICK, sendAfter, close, sendAfterClose, closeAgain);
        root.tick();
        // As Envoy: the stream is kept for the filter, sends on it are OK and go nowhere, and closing it ends it.
        assertThat(List.of(sendWhileClosing, sendAfter, close))
                .extracting(Probe.Step::status)
                .containsOnly(Status.OK);
        assertThat(List.of(sendAfterClose, closeAgain))
                .extracting(Probe.Step::status)
                .containsOnly(Status.NOT_FOUND);
        assertThat(transport.outbound).isEmpty();
        assertThat(grpc.sentMessages()).isEmpty();
        assertThat(grpcEvents()).containsExactly("GRPC_CLOSE[" + root.id() + ", " + token.u32() + ", 0, 0, 0]");
    }

    @Test
    void aStreamTheServerClosedCanBeCancelledAndAStreamTheFilterClosedIsForgottenWithTheServersClose() {
        Probe.Out first = p.out(4);
        Probe.Out second = p.out(4);
        p.on(
                REQUEST_HEADERS,
                p.call(PROXY_GRPC_STREAM, p.str("backend"), p.str("S"), p.str("M"), p.str(""), first),
                p.call(PROXY_GRPC_STREAM, p.str("backend"), p.str("S"), p.str("M"), p.str(""), second));
        http.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        GrpcCallout remoteClosed = transport.grpcCalls.get(0);
        GrpcCallout filterClosed = transport.grpcCalls.get(1);
        Probe.Step close = p.call(PROXY_GRPC_CLOSE, second.u32());
        p.on(Probe.Cb.TICK, close);
        root.tick();
        remoteClosed.close(14, "unavailable");
        filterClosed.close(0, "");
        p.vm.runPending();
        Probe.Step cancel = p.call(PROXY_GRPC_CANCEL, first.u32());
        Probe.Step cancelAgain = p.call(PROXY_GRPC_CANCEL, first.u32());
        Probe.Step sendOnForgotten = p.call(PROXY_GRPC_SEND, second.u32(), p.str("x"), 0);
        p.on(Probe.Cb.TICK, cancel, cancelAgain, sendOnForgotten);
        root.tick();
        assertThat(List.of(close, cancel)).extracting(Probe.Step::status).containsOnly(Status.OK);
        assertThat(List.of(cancelAgain, sendOnForgotten))
                .extracting(Probe.Step::status)
                .containsOnly(Status.NOT_FOUND);
        assertThat(transport.outbound).containsExactly("close " + second.u32(), "cancel " + first.u32());
    }

    @Test
    void grpcStreamSendCancelAndClose() {
        Probe.Out token = p.out(4);
        Probe.Out second = p.out(4);
        Probe.Step open =
                p.call(PROXY_GRPC_STREAM, p.str("backend"), p.str("pkg.Svc"), p.str("Stream"), p.str(""), token);
        Probe.Step openSecond =
                p.call(PROXY_GRPC_STREAM, p.str("backend"), p.str("pkg.Svc"), p.str("Stream"), p.str(""), second);
        p.on(REQUEST_HEADERS, open, openSecond);
        http.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        assertThat(transport.grpcCalls)
                .hasSize(2)
                .allSatisfy(c -> assertThat(c.streaming()).isTrue());

        Probe.Step send = p.call(PROXY_GRPC_SEND, token.u32(), p.str("m1"), 0);
        Probe.Step sendEnd = p.call(PROXY_GRPC_SEND, token.u32(), p.str("m2"), 1);
        Probe.Step close = p.call(PROXY_GRPC_CLOSE, token.u32());
        Probe.Step cancel = p.call(PROXY_GRPC_CANCEL, second.u32());
        Probe.Step sendAfterCancel = p.call(PROXY_GRPC_SEND, second.u32(), p.str("late"), 0);
        Probe.Step cancelAgain = p.call(PROXY_GRPC_CANCEL, second.u32());
        Probe.Step closeAfterCancel = p.call(PROXY_GRPC_CLOSE, second.u32());
        Probe.Step unknown = p.call(PROXY_GRPC_SEND, 10002, p.str("x"), 0); // a stream's kind of token
        Probe.Step cancelUnknown = p.call(PROXY_GRPC_CANCEL, 10001); // a unary call's kind
        p.on(
                Probe.Cb.REQUEST_BODY,
                send,
                sendEnd,
                close,
                cancel,
                sendAfterCancel,
                cancelAgain,
                closeAfterCancel,
                unknown,
                cancelUnknown);
        http.onRequestBody(Body.of("b"), true);
        assertThat(List.of(send, sendEnd, close, cancel))
                .extracting(Probe.Step::status)
                .containsOnly(Status.OK);
        // As Envoy: a cancelled call is forgotten at once, so its token is unknown from then on.
        assertThat(List.of(sendAfterCancel, cancelAgain, closeAfterCancel, unknown, cancelUnknown))
                .extracting(Probe.Step::status)
                .containsOnly(Status.NOT_FOUND);
        // As Envoy: the send with end_stream already half-closed the stream, so the close sends nothing more.
        assertThat(transport.outbound).containsExactly("send m1", "send m2 end", "cancel " + second.u32());
        assertThat(transport.grpcCalls.get(0).sentMessages()).hasSize(2);

        // Whatever the server still sends for the cancelled call reaches no callback; the other stream goes on.
        GrpcCallout cancelled = transport.grpcCalls.get(1);
        cancelled.receiveMessage("late".getBytes(StandardCharsets.UTF_8));
        cancelled.receiveTrailingMetadata(HeaderMap.of("grpc-status", "0"));
        cancelled.close(0, "");
        transport.grpcCalls.get(0).receiveMessage("live".getBytes(StandardCharsets.UTF_8));
        p.vm.runPending();
        assertThat(p.events())
                .filteredOn(e -> e.cb().name().startsWith("GRPC"))
                .extracting(e -> e.cb() + " " + e.args().get(1))
                .containsExactly("GRPC_RECEIVE " + token.u32());
    }

    @Test
    void grpcNeedsServiceMethodAndKnownCluster() {
        // envoy.config.core.v3.GrpcService{envoy_grpc{cluster_name: "nowhere"}} and GrpcService{google_grpc{}}
        byte[] unknownService = {0x0a, 0x09, 0x0a, 0x07, 'n', 'o', 'w', 'h', 'e', 'r', 'e'};
        byte[] googleGrpc = {0x12, 0x00};
        Probe.Step unknownCluster =
                p.call(PROXY_GRPC_CALL, p.str("nowhere"), p.str("S"), p.str("M"), p.str(""), p.str("m"), 100, p.out(4));
        Probe.Step unknownStreamCluster =
                p.call(PROXY_GRPC_STREAM, p.str("nowhere"), p.str("S"), p.str("M"), p.str(""), p.out(4));
        Probe.Step unknownServiceCluster = p.call(
                PROXY_GRPC_CALL, p.bytes(unknownService), p.str("S"), p.str("M"), p.str(""), p.str("m"), 100, p.out(4));
        Probe.Step google = p.call(
                PROXY_GRPC_CALL, p.bytes(googleGrpc), p.str("S"), p.str("M"), p.str(""), p.str("m"), 100, p.out(4));
        Probe.Step noService =
                p.call(PROXY_GRPC_CALL, p.str("backend"), p.str(""), p.str("M"), p.str(""), p.str("m"), 100, p.out(4));
        Probe.Step noMethod = p.call(PROXY_GRPC_STREAM, p.str("backend"), p.str("S"), p.str(""), p.str(""), p.out(4));
        Probe.Step injectedMethod =
                p.call(PROXY_GRPC_STREAM, p.str("backend"), p.str("S"), p.str("M\r\nx: 1"), p.str(""), p.out(4));
        Probe.Step injectedMetadata = p.call(
                PROXY_GRPC_CALL,
                p.str("backend"),
                p.str("S"),
                p.str("M"),
                headers("x-md", "1\r\nx-injected: 1"),
                p.str("m"),
                100,
                p.out(4));
        p.on(
                REQUEST_HEADERS,
                unknownCluster,
                unknownStreamCluster,
                unknownServiceCluster,
                google,
                noService,
                noMethod,
                injectedMethod,
                injectedMetadata);
        http.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        // As Envoy: PARSE_FAILURE for an unknown cluster name.
        assertThat(List.of(unknownCluster, unknownStreamCluster))
                .extracting(Probe.Step::status)
                .containsOnly(Status.PARSE_FAILURE);
        assertThat(List.of(unknownServiceCluster, google, noService, noMethod, injectedMethod, injectedMetadata))
                .extracting(Probe.Step::status)
                .containsOnly(Status.BAD_ARGUMENT);
        assertThat(transport.grpcCalls).isEmpty();
    }

    @Test
    void closingAUnaryCallCancelsIt() {
        Probe.Out token = p.out(4);
        p.on(
                REQUEST_HEADERS,
                p.call(PROXY_GRPC_CALL, p.str("backend"), p.str("S"), p.str("M"), p.str(""), p.str("m"), 100, token));
        http.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        Probe.Step close = p.call(PROXY_GRPC_CLOSE, token.u32());
        Probe.Step closeAgain = p.call(PROXY_GRPC_CLOSE, token.u32());
        p.on(Probe.Cb.TICK, close, closeAgain);
        root.tick();
        transport.lastGrpc().respond("too late".getBytes(StandardCharsets.UTF_8));
        p.vm.runPending();
        assertThat(close.status()).isEqualTo(Status.OK);
        assertThat(closeAgain.status()).isEqualTo(Status.NOT_FOUND);
        assertThat(transport.outbound).containsExactly("cancel " + token.u32());
        assertThat(p.callbacks()).doesNotContain(GRPC_CLOSE, GRPC_RECEIVE);
    }

    @Test
    void theCppSdksGrpcServiceUpstreamNamesTheCluster() {
        // envoy.config.core.v3.GrpcService{envoy_grpc{cluster_name: "backend"}}
        byte[] service = {0x0a, 0x09, 0x0a, 0x07, 'b', 'a', 'c', 'k', 'e', 'n', 'd'};
        Probe.Step call =
                p.call(PROXY_GRPC_CALL, p.bytes(service), p.str("S"), p.str("M"), p.str(""), p.str("m"), 100, p.out(4));
        p.on(REQUEST_HEADERS, call);
        http.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        assertThat(call.status()).isEqualTo(Status.OK);
        assertThat(transport.lastGrpc().cluster()).isEqualTo("backend");
    }

    @Test
    void responsesForADeletedRootContextAreDropped() {
        p.on(
                REQUEST_HEADERS,
                httpCall("backend", headers(":method", "GET", ":path", "/", ":authority", "b"), p.out(4)));
        http.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        http.finish();
        root.shutdown();
        transport.lastHttp().respond(HeaderMap.of(":status", "200"), new byte[0], new HeaderMap());
        p.vm.runPending();
        assertThat(p.callbacks()).doesNotContain(HTTP_CALL_RESPONSE);
    }

    @Test
    void statusIsTheLastFailureTheRootContextRecorded() {
        Probe.Out first = p.out(4);
        p.on(
                REQUEST_HEADERS,
                httpCall("backend", headers(":method", "GET", ":path", "/", ":authority", "b"), first),
                httpCall("backend", headers(":method", "GET", ":path", "/", ":authority", "b"), p.out(4)),
                httpCall("backend", headers(":method", "GET", ":path", "/", ":authority", "b"), p.out(4)),
                p.call(
                        PROXY_GRPC_CALL,
                        p.str("backend"),
                        p.str("S"),
                        p.str("M"),
                        p.str(""),
                        p.str("m"),
                        100,
                        p.out(4)));
        http.onRequestHeaders(HeaderMap.of(":path", "/"), true);

        // As Envoy: a response records nothing (not its :status), a failure records 11 and "reset" for its callback.
        List<Probe.Out> codes = new ArrayList<>();
        List<Probe.OutBytes> messages = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            codes.add(p.out(4));
            messages.add(p.outBytes());
        }
        p.on(HTTP_CALL_RESPONSE, p.call(PROXY_GET_STATUS, codes.get(0), messages.get(0)));
        transport.httpCalls.get(0).respond(HeaderMap.of(":status", "503"), new byte[0], new HeaderMap());
        p.vm.runPending();
        p.on(HTTP_CALL_RESPONSE, p.call(PROXY_GET_STATUS, codes.get(1), messages.get(1)));
        transport.httpCalls.get(1).fail();
        p.vm.runPending();
        p.on(HTTP_CALL_RESPONSE, p.call(PROXY_GET_STATUS, codes.get(2), messages.get(2)));
        transport.httpCalls.get(2).respond(HeaderMap.of(":status", "200"), new byte[0], new HeaderMap());
        p.vm.runPending();
        p.on(GRPC_CLOSE, p.call(PROXY_GET_STATUS, codes.get(3), messages.get(3)));
        transport.lastGrpc().fail(14, "unavailable");
        p.vm.runPending();
        // From a stream context too: the status belongs to its root context.
        p.on(Probe.Cb.REQUEST_BODY, p.call(PROXY_GET_STATUS, codes.get(4), messages.get(4)));
        http.onRequestBody(Body.of("b"), true);

        assertThat(codes).extracting(Probe.Out::u32).containsExactly(0, 11, 11, 14, 14);
        assertThat(messages).extracting(Probe.OutBytes::string).containsExactly("", "reset", "", "unavailable", "");
    }

    @Test
    void tokensAreNumberedByKindAsInEnvoyAndCheckedForTheirKindFirst() {
        Probe.Out unary = p.out(4);
        Probe.Out stream = p.out(4);
        Probe.Out http1 = p.out(4);
        Probe.Out unary2 = p.out(4);
        p.on(
                REQUEST_HEADERS,
                p.call(PROXY_GRPC_CALL, p.str("backend"), p.str("S"), p.str("M"), p.str(""), p.str("m"), 100, unary),
                p.call(PROXY_GRPC_STREAM, p.str("backend"), p.str("S"), p.str("M"), p.str(""), stream),
                httpCall("backend", headers(":method", "GET", ":path", "/", ":authority", "b"), http1),
                p.call(PROXY_GRPC_CALL, p.str("backend"), p.str("S"), p.str("M"), p.str(""), p.str("m"), 100, unary2));
        http.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        // Envoy's numbering: each kind counts in steps of 4 from its own low two bits.
        assertThat(List.of(unary, stream, http1, unary2))
                .extracting(Probe.Out::u32)
                .containsExactly(5, 6, 4, 9);
        Probe.Step sendUnary = p.call(PROXY_GRPC_SEND, unary.u32(), p.str("more"), 0);
        Probe.Step sendHttp = p.call(PROXY_GRPC_SEND, http1.u32(), p.str("more"), 0);
        Probe.Step sendBadPointer = p.call(PROXY_GRPC_SEND, unary.u32(), 0xFFFFFFF0, 32, 0);
        Probe.Step closeHttp = p.call(PROXY_GRPC_CLOSE, http1.u32());
        Probe.Step cancelKindThree = p.call(PROXY_GRPC_CANCEL, 7);
        Probe.Step closeUnknownCall = p.call(PROXY_GRPC_CLOSE, 13);
        Probe.Step sendUnknownStream = p.call(PROXY_GRPC_SEND, 10, p.str("x"), 0);
        p.on(
                Probe.Cb.REQUEST_BODY,
                sendUnary,
                sendHttp,
                sendBadPointer,
                closeHttp,
                cancelKindThree,
                closeUnknownCall,
                sendUnknownStream);
        http.onRequestBody(Body.of("b"), true);
        assertThat(List.of(
                        sendUnary,
                        sendHttp,
                        sendBadPointer,
                        closeHttp,
                        cancelKindThree,
                        closeUnknownCall,
                        sendUnknownStream))
                .extracting(Probe.Step::status)
                .containsExactly(
                        Status.BAD_ARGUMENT,
                        Status.BAD_ARGUMENT,
                        Status.INVALID_MEMORY_ACCESS,
                        Status.BAD_ARGUMENT,
                        Status.BAD_ARGUMENT,
                        Status.NOT_FOUND,
                        Status.NOT_FOUND);
        assertThat(transport.grpcCalls)
                .allSatisfy(c -> assertThat(c.sentMessages()).isEmpty());
        assertThat(transport.outbound).isEmpty();
    }

    @Test
    void theOlderTrailingMetadataExportIsCalledWhenTheSpecNameIsMissing() {
        String legacy = Probe.wat(AbiVersion.V0_2_1)
                .replace(
                        "(export \"proxy_on_grpc_receive_trailing_metadata\")",
                        "(export \"proxy_on_grpc_trailing_metadata\")");
        assertThat(legacy).doesNotContain("proxy_on_grpc_receive_trailing_metadata");
        RecordingTransport t = new RecordingTransport("backend");
        Probe q = Probe.create(
                WatFixtures.module(legacy, ProxyWasmModule.Engine.COMPILER),
                Probe.plugin("probe"),
                new HostEnvironment().transport(t),
                new WasmVm.Options());
        HttpContext stream = q.vm.createRootContext(Probe.plugin("probe")).newHttpContext();
        q.on(REQUEST_HEADERS, q.call(PROXY_GRPC_STREAM, q.str("backend"), q.str("S"), q.str("M"), q.str(""), q.out(4)));
        stream.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        Probe.OutBytes value = q.outBytes();
        Probe.Step read = q.call(
                PROXY_GET_HEADER_MAP_VALUE, MapType.GRPC_CALL_TRAILING_METADATA.ordinal(), q.str("grpc-status"), value);
        q.on(GRPC_RECEIVE_TRAILING_METADATA, read);
        t.lastGrpc().receiveTrailingMetadata(HeaderMap.of("grpc-status", "0"));
        q.vm.runPending();
        assertThat(q.callbacks()).contains(GRPC_RECEIVE_TRAILING_METADATA);
        assertThat(read.status()).isEqualTo(Status.OK);
        assertThat(value.string()).isEqualTo("0");
    }
}
