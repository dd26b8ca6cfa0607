package dev.wasmesh.host;

import static dev.wasmesh.host.Probe.Cb.DOWNSTREAM_CONNECTION_CLOSE;
import static dev.wasmesh.host.Probe.Cb.DOWNSTREAM_DATA;
import static dev.wasmesh.host.Probe.Cb.NEW_CONNECTION;
import static dev.wasmesh.host.Probe.Cb.TICK;
import static dev.wasmesh.host.Probe.Cb.UPSTREAM_CONNECTION_CLOSE;
import static dev.wasmesh.host.Probe.Cb.UPSTREAM_DATA;
import static dev.wasmesh.host.Probe.Op.PROXY_CLOSE_STREAM;
import static dev.wasmesh.host.Probe.Op.PROXY_CONTINUE_REQUEST;
import static dev.wasmesh.host.Probe.Op.PROXY_CONTINUE_STREAM;
import static dev.wasmesh.host.Probe.Op.PROXY_GET_BUFFER_BYTES;
import static dev.wasmesh.host.Probe.Op.PROXY_GET_BUFFER_STATUS;
import static dev.wasmesh.host.Probe.Op.PROXY_GET_HEADER_MAP_PAIRS;
import static dev.wasmesh.host.Probe.Op.PROXY_GET_PROPERTY;
import static dev.wasmesh.host.Probe.Op.PROXY_SEND_LOCAL_RESPONSE;
import static dev.wasmesh.host.Probe.Op.PROXY_SET_BUFFER_BYTES;
import static dev.wasmesh.host.Probe.Op.PROXY_SET_EFFECTIVE_CONTEXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.wasmesh.host.abi.BufferType;
import dev.wasmesh.host.abi.MapType;
import dev.wasmesh.host.abi.PeerType;
import dev.wasmesh.host.abi.Status;
import dev.wasmesh.host.abi.StreamType;
import dev.wasmesh.host.module.ProxyWasmModule;
import dev.wasmesh.host.stream.Action;
import dev.wasmesh.host.stream.Body;
import dev.wasmesh.host.stream.NetworkControl;
import dev.wasmesh.host.stream.StreamInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Network (TCP) filters: the connection callbacks, their buffers, stream control and properties. */
class NetworkContextTest {
    private static final int DOWNSTREAM = BufferType.DOWNSTREAM_DATA.ordinal();
    private static final int UPSTREAM = BufferType.UPSTREAM_DATA.ordinal();

    private final Probe p = Probe.create(ProxyWasmModule.Engine.COMPILER);
    private final RootContext root = p.vm.createRootContext(Probe.plugin("probe"));
    private final RecordingControl control = new RecordingControl();

    @ParameterizedTest
    @EnumSource(ProxyWasmModule.Engine.class)
    void aConnectionRunsTheCallbacksInEnvoysOrderWithTheirArguments(ProxyWasmModule.Engine engine) {
        Probe q = Probe.create(engine);
        RootContext r = q.vm.createRootContext(Probe.plugin("probe"));
        q.clearEvents();
        NetworkContext tcp = r.newNetworkContext();
        assertThat(tcp.onNewConnection()).isEqualTo(Action.CONTINUE);
        assertThat(tcp.onDownstreamData(Body.of("hello"), false)).isEqualTo(Action.CONTINUE);
        assertThat(tcp.onUpstreamData(Body.of("hi"), true)).isEqualTo(Action.CONTINUE);
        tcp.onUpstreamConnectionClose(PeerType.UNKNOWN);
        tcp.onDownstreamConnectionClose(PeerType.REMOTE);
        tcp.finish();
        tcp.finish();
        int s = tcp.id();
        assertThat(q.events())
                .extracting(Probe.Event::toString)
                .containsExactly(
                        "CONTEXT_CREATE[" + s + ", " + r.id() + ", 0, 0, 0]",
                        "NEW_CONNECTION[" + s + ", 0, 0, 0, 0]",
                        "DOWNSTREAM_DATA[" + s + ", 5, 0, 0, 0]",
                        "UPSTREAM_DATA[" + s + ", 2, 1, 0, 0]",
                        "UPSTREAM_CONNECTION_CLOSE[" + s + ", 0, 0, 0, 0]",
                        "DOWNSTREAM_CONNECTION_CLOSE[" + s + ", 2, 0, 0, 0]",
                        "DONE[" + s + ", 0, 0, 0, 0]",
                        "LOG[" + s + ", 0, 0, 0, 0]",
                        "DELETE[" + s + ", 0, 0, 0, 0]");
        assertThat(tcp.finished()).isTrue();
        assertThat(q.vm.liveContexts()).isEqualTo(1); // only the root context is left
    }

    @Test
    void peerTypesArePassedAsTheirAbiValues() {
        NetworkContext tcp = root.newNetworkContext();
        tcp.onDownstreamConnectionClose(PeerType.LOCAL);
        tcp.onUpstreamConnectionClose(PeerType.REMOTE);
        assertThat(p.events())
                .filteredOn(e -> e.cb() == DOWNSTREAM_CONNECTION_CLOSE || e.cb() == UPSTREAM_CONNECTION_CLOSE)
                .extracting(e -> e.args().get(1))
                .containsExactly(1, 2);
    }

    @Test
    void anyNonZeroReturnPauses() {
        NetworkContext tcp = root.newNetworkContext();
        p.returns(NEW_CONNECTION, 1).returns(DOWNSTREAM_DATA, 2).returns(UPSTREAM_DATA, 1);
        assertThat(tcp.onNewConnection()).isEqualTo(Action.PAUSE);
        assertThat(tcp.onDownstreamData(Body.of("a"), false)).isEqualTo(Action.PAUSE);
        assertThat(tcp.onUpstreamData(Body.of("b"), false)).isEqualTo(Action.PAUSE);
        p.returns(DOWNSTREAM_DATA, 0);
        assertThat(tcp.onDownstreamData(Body.of("ab"), false)).isEqualTo(Action.CONTINUE);
    }

    @Test
    void dataCallbacksReadAndChangeTheirOwnBuffer() {
        NetworkContext tcp = root.newNetworkContext(control, new StreamInfo());
        Probe.OutBytes read = p.outBytes();
        Probe.Out length = p.out(4);
        Probe.Step get = p.call(PROXY_GET_BUFFER_BYTES, DOWNSTREAM, 0, -1, read);
        Probe.Step status = p.call(PROXY_GET_BUFFER_STATUS, DOWNSTREAM, length, p.out(4));
        Probe.Step prepend = p.call(PROXY_SET_BUFFER_BYTES, DOWNSTREAM, 0, 0, p.str(">"));
        Probe.Step append = p.call(PROXY_SET_BUFFER_BYTES, DOWNSTREAM, 100, 0, p.str("<"));
        Probe.OutBytes other = p.outBytes();
        Probe.Step otherDirection = p.call(PROXY_GET_BUFFER_BYTES, UPSTREAM, 0, -1, other);
        Probe.Step writeOtherDirection = p.call(PROXY_SET_BUFFER_BYTES, UPSTREAM, 0, 0, p.str("x"));
        p.on(DOWNSTREAM_DATA, get, status, prepend, append, otherDirection, writeOtherDirection);
        Body data = Body.of("ping");
        tcp.onDownstreamData(data, false);
        assertThat(List.of(get, status, prepend, append))
                .extracting(Probe.Step::status)
                .containsOnly(Status.OK);
        assertThat(read.string()).isEqualTo("ping");
        assertThat(length.u32()).isEqualTo(4);
        assertThat(data.toString()).isEqualTo(">ping<");
        // As Envoy: data not there now reads as an empty buffer that cannot be written.
        assertThat(otherDirection.status()).isEqualTo(Status.OK);
        assertThat(other.length()).isZero();
        assertThat(writeOtherDirection.status()).isEqualTo(Status.BAD_ARGUMENT);

        Probe.Step replace = p.call(PROXY_SET_BUFFER_BYTES, UPSTREAM, 0, -1, p.str("pong!"));
        Probe.OutBytes downstreamBytes = p.outBytes();
        Probe.Step downstreamNow = p.call(PROXY_GET_BUFFER_BYTES, DOWNSTREAM, 0, -1, downstreamBytes);
        p.on(UPSTREAM_DATA, replace, downstreamNow);
        Body reply = Body.of("pong");
        tcp.onUpstreamData(reply, true);
        assertThat(replace.status()).isEqualTo(Status.OK);
        assertThat(reply.toString()).isEqualTo("pong!");
        // The downstream callback continued, so its data is gone (as in Envoy).
        assertThat(downstreamNow.status()).isEqualTo(Status.OK);
        assertThat(downstreamBytes.length()).isZero();
    }

    @Test
    void pausedDataStaysReachableUntilTheFilterContinues() {
        NetworkContext tcp = root.newNetworkContext(control, new StreamInfo());
        p.returns(DOWNSTREAM_DATA, 1);
        Body data = Body.of("held");
        assertThat(tcp.onDownstreamData(data, false)).isEqualTo(Action.PAUSE);

        // Later, from the root context (as after a call-out), the filter edits the held data and continues.
        Probe.OutBytes read = p.outBytes();
        Probe.Step select = p.call(PROXY_SET_EFFECTIVE_CONTEXT, tcp.id());
        Probe.Step get = p.call(PROXY_GET_BUFFER_BYTES, DOWNSTREAM, 0, -1, read);
        Probe.Step edit = p.call(PROXY_SET_BUFFER_BYTES, DOWNSTREAM, 0, -1, p.str("checked"));
        Probe.Step resume = p.call(PROXY_CONTINUE_STREAM, StreamType.DOWNSTREAM.ordinal());
        p.on(TICK, select, get, edit, resume);
        root.tick();
        assertThat(List.of(select, get, edit, resume))
                .extracting(Probe.Step::status)
                .containsOnly(Status.OK);
        assertThat(read.string()).isEqualTo("held");
        assertThat(data.toString()).isEqualTo("checked");
        assertThat(control.actions).containsExactly("continue DOWNSTREAM");
    }

    @Test
    void continueAndCloseStreamReachTheNetworkControl() {
        NetworkContext tcp = root.newNetworkContext(control, new StreamInfo());
        Probe.Step continueDownstream = p.call(PROXY_CONTINUE_STREAM, StreamType.DOWNSTREAM.ordinal());
        Probe.Step continueUpstream = p.call(PROXY_CONTINUE_STREAM, StreamType.UPSTREAM.ordinal());
        Probe.Step continueRequest = p.call(PROXY_CONTINUE_STREAM, StreamType.HTTP_REQUEST.ordinal());
        Probe.Step continueRequest010 = p.call(PROXY_CONTINUE_REQUEST);
        Probe.Step closeUpstream = p.call(PROXY_CLOSE_STREAM, StreamType.UPSTREAM.ordinal());
        Probe.Step closeDownstream = p.call(PROXY_CLOSE_STREAM, StreamType.DOWNSTREAM.ordinal());
        Probe.Step closeResponse = p.call(PROXY_CLOSE_STREAM, StreamType.HTTP_RESPONSE.ordinal());
        Probe.Step badType = p.call(PROXY_CLOSE_STREAM, 4);
        Probe.Step local = p.call(PROXY_SEND_LOCAL_RESPONSE, 403, p.str(""), p.str(""), p.str(""), -1);
        p.on(
                DOWNSTREAM_DATA,
                continueDownstream,
                continueUpstream,
                continueRequest,
                continueRequest010,
                closeUpstream,
                closeDownstream,
                closeResponse,
                badType,
                local);
        tcp.onDownstreamData(Body.of("x"), false);
        assertThat(List.of(
                        continueDownstream,
                        continueUpstream,
                        continueRequest,
                        continueRequest010,
                        closeUpstream,
                        closeDownstream,
                        closeResponse,
                        badType,
                        local))
                .extracting(Probe.Step::status)
                .containsExactly(
                        Status.OK,
                        Status.UNIMPLEMENTED,
                        Status.OK,
                        Status.OK,
                        Status.OK,
                        Status.OK,
                        Status.OK,
                        Status.BAD_ARGUMENT,
                        Status.OK);
        assertThat(control.actions).containsExactly("continue DOWNSTREAM", "close UPSTREAM", "close DOWNSTREAM");
    }

    @Test
    void httpMapsAndBodiesAreOutOfReachOnAConnection() {
        NetworkContext tcp = root.newNetworkContext();
        Probe.OutBytes pairs = p.outBytes();
        Probe.OutBytes bytes = p.outBytes();
        Probe.Step headers = p.call(PROXY_GET_HEADER_MAP_PAIRS, MapType.HTTP_REQUEST_HEADERS.ordinal(), pairs);
        Probe.Step value = p.call(
                Probe.Op.PROXY_GET_HEADER_MAP_VALUE,
                MapType.HTTP_REQUEST_HEADERS.ordinal(),
                p.str(":path"),
                p.outBytes());
        Probe.Step add = p.call(
                Probe.Op.PROXY_ADD_HEADER_MAP_VALUE, MapType.HTTP_RESPONSE_HEADERS.ordinal(), p.str("x"), p.str("1"));
        Probe.Step body = p.call(PROXY_GET_BUFFER_BYTES, BufferType.HTTP_REQUEST_BODY.ordinal(), 0, -1, bytes);
        p.on(NEW_CONNECTION, headers, value, add, body);
        tcp.onNewConnection();
        // As Envoy: the maps read as empty or BAD_ARGUMENT, a body as an empty buffer.
        assertThat(List.of(headers, value, add, body))
                .extracting(Probe.Step::status)
                .containsExactly(Status.OK, Status.BAD_ARGUMENT, Status.BAD_ARGUMENT, Status.OK);
        assertThat(pairs.length()).isZero();
        assertThat(bytes.length()).isZero();
    }

    private Probe.Step property(String dotted, Probe.OutBytes out) {
        return p.call(PROXY_GET_PROPERTY, p.str(dotted.replace('.', '\0')), out);
    }

    private static long int64(byte[] b) {
        assertThat(b).hasSize(8);
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @Test
    void connectionPropertiesComeFromTheStreamInfo() {
        StreamInfo info = new StreamInfo()
                .source("10.1.1.1", 40000)
                .destination("10.1.1.2", 9000)
                .upstream("10.2.2.2", 6379)
                .connectionId(77);
        NetworkContext tcp = root.newNetworkContext(NetworkControl.NONE, info);
        Probe.OutBytes source = p.outBytes();
        Probe.OutBytes destinationPort = p.outBytes();
        Probe.OutBytes upstream = p.outBytes();
        Probe.OutBytes connectionId = p.outBytes();
        Probe.OutBytes rootId = p.outBytes();
        Probe.Step[] found = {
            property("source.address", source),
            property("destination.port", destinationPort),
            property("upstream.address", upstream),
            property("connection.id", connectionId),
            property("plugin_root_id", rootId)
        };
        Probe.Step requestPath = property("request.path", p.outBytes());
        Probe.Step requestProtocol = property("request.protocol", p.outBytes());
        Probe.Step responseCode = property("response.code", p.outBytes());
        p.on(NEW_CONNECTION, found);
        tcp.onNewConnection();
        p.on(DOWNSTREAM_DATA, requestPath, requestProtocol, responseCode);
        tcp.onDownstreamData(Body.of("x"), false);
        assertThat(found).extracting(Probe.Step::status).containsOnly(Status.OK);
        assertThat(source.string()).isEqualTo("10.1.1.1:40000");
        assertThat(int64(destinationPort.bytes())).isEqualTo(9000);
        assertThat(upstream.string()).isEqualTo("10.2.2.2:6379");
        assertThat(int64(connectionId.bytes())).isEqualTo(77);
        assertThat(rootId.string()).isEqualTo("probe");
        assertThat(List.of(requestPath, requestProtocol, responseCode))
                .extracting(Probe.Step::status)
                .containsOnly(Status.NOT_FOUND);
    }

    @Test
    void aTrapFailsTheVmAndFinishingAfterwardsRunsNoGuestCode() {
        NetworkContext tcp = root.newNetworkContext();
        p.on(UPSTREAM_DATA, p.call(Probe.Op.TRAP));
        WasmFailureException e =
                catchThrowableOfType(WasmFailureException.class, () -> tcp.onUpstreamData(Body.of("x"), false));
        assertThat(e.failure().kind()).isEqualTo(WasmFailure.Kind.TRAP);
        assertThat(e.failure().callback()).isEqualTo("proxy_on_upstream_data");
        int events = p.events().size();
        tcp.finish();
        assertThat(p.events()).hasSize(events);
        assertThat(tcp.finished()).isTrue();
    }
}
