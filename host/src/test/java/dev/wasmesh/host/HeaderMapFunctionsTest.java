package dev.wasmesh.host;

import static dev.wasmesh.host.Probe.Cb.REQUEST_BODY;
import static dev.wasmesh.host.Probe.Cb.REQUEST_HEADERS;
import static dev.wasmesh.host.Probe.Cb.RESPONSE_BODY;
import static dev.wasmesh.host.Probe.Cb.RESPONSE_HEADERS;
import static dev.wasmesh.host.Probe.Op.PROXY_ADD_HEADER_MAP_VALUE;
import static dev.wasmesh.host.Probe.Op.PROXY_CONTINUE_STREAM;
import static dev.wasmesh.host.Probe.Op.PROXY_GET_HEADER_MAP_PAIRS;
import static dev.wasmesh.host.Probe.Op.PROXY_GET_HEADER_MAP_SIZE;
import static dev.wasmesh.host.Probe.Op.PROXY_GET_HEADER_MAP_VALUE;
import static dev.wasmesh.host.Probe.Op.PROXY_REMOVE_HEADER_MAP_VALUE;
import static dev.wasmesh.host.Probe.Op.PROXY_REPLACE_HEADER_MAP_VALUE;
import static dev.wasmesh.host.Probe.Op.PROXY_SET_HEADER_MAP_PAIRS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.host.abi.AbiVersion;
import dev.wasmesh.host.abi.MapType;
import dev.wasmesh.host.abi.Status;
import dev.wasmesh.host.abi.StreamType;
import dev.wasmesh.host.internal.HeaderPairs;
import dev.wasmesh.host.module.ProxyWasmModule;
import dev.wasmesh.host.stream.Action;
import dev.wasmesh.host.stream.Body;
import dev.wasmesh.host.stream.HeaderMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeaderMapFunctionsTest {
    private static final int REQ = MapType.HTTP_REQUEST_HEADERS.ordinal();
    private static final int REQ_TRAILERS = MapType.HTTP_REQUEST_TRAILERS.ordinal();
    private static final int RESP = MapType.HTTP_RESPONSE_HEADERS.ordinal();
    private static final int RESP_TRAILERS = MapType.HTTP_RESPONSE_TRAILERS.ordinal();

    private final Probe p = Probe.create(ProxyWasmModule.Engine.COMPILER);
    private final HttpContext http =
            p.vm.createRootContext(Probe.plugin("probe")).newHttpContext();

    private HeaderMap request() {
        return HeaderMap.of(":method", "GET", ":path", "/a", "x-multi", "1", "X-Multi", "2");
    }

    @Test
    void getValueFindsFirstValueCaseInsensitively() {
        Probe.OutBytes value = p.outBytes();
        Probe.Step get = p.call(PROXY_GET_HEADER_MAP_VALUE, REQ, p.str("X-MULTI"), value);
        p.on(REQUEST_HEADERS, get);
        http.onRequestHeaders(request(), false);
        assertThat(get.status()).isEqualTo(Status.OK);
        assertThat(value.string()).isEqualTo("1");
    }

    /**
     * Header bytes reach the guest as they are and come back as they are, valid UTF-8 or not, as in Envoy: "José"
     * in UTF-8 (C3 A9) and in Latin-1 (E9), read, added and counted.
     */
    @Test
    void headerBytesPassUnchangedEitherWay() {
        byte[] utf8 = {'J', 'o', 's', (byte) 0xC3, (byte) 0xA9};
        byte[] latin1 = {'J', 'o', 's', (byte) 0xE9};
        HeaderMap headers = HeaderMap.of(":path", "/", "x-utf8", new String(utf8, HeaderMap.BYTES));
        Probe.OutBytes value = p.outBytes();
        Probe.OutBytes pairs = p.outBytes();
        Probe.Out size = p.out(4);
        p.on(
                REQUEST_HEADERS,
                p.call(PROXY_GET_HEADER_MAP_VALUE, REQ, p.str("x-utf8"), value),
                p.call(PROXY_ADD_HEADER_MAP_VALUE, REQ, p.str("x-latin1"), p.bytes(latin1)),
                p.call(PROXY_ADD_HEADER_MAP_VALUE, REQ, p.str("x-copy"), p.bytes(utf8)),
                p.call(PROXY_GET_HEADER_MAP_PAIRS, REQ, pairs),
                p.call(PROXY_GET_HEADER_MAP_SIZE, REQ, size));
        http.onRequestHeaders(headers, false);
        assertThat(value.bytes()).isEqualTo(utf8);
        assertThat(headers.first("x-latin1").getBytes(HeaderMap.BYTES)).isEqualTo(latin1);
        assertThat(headers.first("x-copy")).isEqualTo(headers.first("x-utf8")).isEqualTo(HeaderMap.utf8("Jos\u00e9"));
        assertThat(HeaderMap.text(headers.first("x-copy"))).isEqualTo("Jos\u00e9");
        assertThat(HeaderPairs.decode(pairs.bytes()).first("x-latin1")).isEqualTo(headers.first("x-latin1"));
        assertThat(size.u32()).isEqualTo(":path/x-utf8x-latin1x-copy".length() + utf8.length * 2 + latin1.length);
    }

    @Test
    void missingKeyIsNotFoundInAbi02() {
        Probe.OutBytes value = p.outBytes();
        Probe.Step get = p.call(PROXY_GET_HEADER_MAP_VALUE, REQ, p.str("absent"), value);
        p.on(REQUEST_HEADERS, get);
        http.onRequestHeaders(request(), false);
        assertThat(get.status()).isEqualTo(Status.NOT_FOUND);
    }

    @Test
    void missingKeyIsOkAndEmptyInAbi01() {
        Probe p01 = Probe.create(
                ProxyWasmModule.Engine.COMPILER,
                AbiVersion.V0_1_0,
                Probe.plugin("probe"),
                new HostEnvironment(),
                new WasmVm.Options());
        HttpContext h = p01.vm.createRootContext(Probe.plugin("probe")).newHttpContext();
        Probe.OutBytes value = p01.outBytes();
        p01.memory().writeU32(value.ptrPtr, 77);
        p01.memory().writeU32(value.lenPtr, 77);
        Probe.Step get = p01.call(PROXY_GET_HEADER_MAP_VALUE, REQ, p01.str("absent"), value);
        p01.on(REQUEST_HEADERS, get);
        h.onRequestHeaders(request(), false);
        assertThat(get.status()).isEqualTo(Status.OK);
        assertThat(value.length()).isZero();
        assertThat(value.pointer()).isZero();
    }

    @Test
    void addReplaceRemoveChangeTheLiveMap() {
        p.on(
                REQUEST_HEADERS,
                p.call(PROXY_ADD_HEADER_MAP_VALUE, REQ, p.str("X-Added"), p.str("a")),
                p.call(PROXY_ADD_HEADER_MAP_VALUE, REQ, p.str("x-added"), p.str("b")),
                p.call(PROXY_REPLACE_HEADER_MAP_VALUE, REQ, p.str("x-multi"), p.str("only")),
                p.call(PROXY_REPLACE_HEADER_MAP_VALUE, REQ, p.str("x-new"), p.str("n")),
                p.call(PROXY_REMOVE_HEADER_MAP_VALUE, REQ, p.str(":method")),
                p.call(PROXY_REMOVE_HEADER_MAP_VALUE, REQ, p.str("never-there")));
        HeaderMap headers = request();
        http.onRequestHeaders(headers, false);
        assertThat(headers.all("x-added")).containsExactly("a", "b");
        assertThat(headers.all("x-multi")).containsExactly("only");
        assertThat(headers.get("x-new")).contains("n");
        assertThat(headers.contains(":method")).isFalse();
    }

    @Test
    void pairsAndSizeDescribeTheMap() {
        Probe.OutBytes pairs = p.outBytes();
        Probe.Out size = p.out(4);
        Probe.Step get = p.call(PROXY_GET_HEADER_MAP_PAIRS, REQ, pairs);
        Probe.Step sizeStep = p.call(PROXY_GET_HEADER_MAP_SIZE, REQ, size);
        p.on(REQUEST_HEADERS, get, sizeStep);
        HeaderMap headers = request();
        http.onRequestHeaders(headers, false);
        assertThat(get.status()).isEqualTo(Status.OK);
        assertThat(pairs.bytes()).isEqualTo(HeaderPairs.encode(headers));
        assertThat(HeaderPairs.decode(pairs.bytes())).isEqualTo(headers);
        assertThat(sizeStep.status()).isEqualTo(Status.OK);
        assertThat(size.u32()).isEqualTo(headers.byteSize());
    }

    @Test
    void pairsOfTheSpecExampleAreEncodedExactly() {
        byte[] expected = {
            2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 'a', 0, '1', 0, 'b', 0, '2', '2', 0
        };
        assertThat(HeaderPairs.encode(HeaderMap.of("a", "1", "b", "22"))).isEqualTo(expected);
    }

    @Test
    void setPairsReplacesTheWholeMap() {
        Probe.Step set = p.call(
                PROXY_SET_HEADER_MAP_PAIRS,
                REQ,
                p.bytes(HeaderPairs.encode(HeaderMap.of(":path", "/b", "x-one", "1"))));
        Probe.Step garbage = p.call(PROXY_SET_HEADER_MAP_PAIRS, REQ, p.bytes(new byte[] {5, 0, 0, 0, 1, 0}));
        byte[] valid = HeaderPairs.encode(HeaderMap.of("x-two", "2"));
        byte[] unterminated = valid.clone();
        unterminated[unterminated.length - 1] = 'x';
        Probe.Step noNul = p.call(PROXY_SET_HEADER_MAP_PAIRS, REQ, p.bytes(unterminated));
        Probe.Step leftOver = p.call(PROXY_SET_HEADER_MAP_PAIRS, REQ, p.bytes(Arrays.copyOf(valid, valid.length + 1)));
        p.on(REQUEST_HEADERS, set, garbage, noNul, leftOver);
        HeaderMap headers = request();
        http.onRequestHeaders(headers, false);
        assertThat(set.status()).isEqualTo(Status.OK);
        // What Envoy's parser would not read exactly (it reads it as an empty map) is refused, the map unchanged.
        assertThat(List.of(garbage, noNul, leftOver))
                .extracting(Probe.Step::status)
                .containsOnly(Status.BAD_ARGUMENT);
        assertThat(headers.toMap()).containsExactly(Map.entry(":path", "/b"), Map.entry("x-one", "1"));
    }

    @Test
    void badMapTypeIsBadArgument() {
        Probe.OutBytes value = p.outBytes();
        Probe.Step get = p.call(PROXY_GET_HEADER_MAP_VALUE, 8, p.str("a"), value);
        Probe.Step add = p.call(PROXY_ADD_HEADER_MAP_VALUE, -1, p.str("a"), p.str("b"));
        p.on(REQUEST_HEADERS, get, add);
        http.onRequestHeaders(request(), false);
        assertThat(get.status()).isEqualTo(Status.BAD_ARGUMENT);
        assertThat(add.status()).isEqualTo(Status.BAD_ARGUMENT);
    }

    @Test
    void mapsOutOfReachNowAreBadArgumentAndTheirPairsAreEmpty() {
        Probe.OutBytes value = p.outBytes();
        Probe.OutBytes calloutPairs = p.outBytes();
        Probe.Step response = p.call(PROXY_GET_HEADER_MAP_VALUE, RESP, p.str("a"), value);
        Probe.Step addTrailer = p.call(PROXY_ADD_HEADER_MAP_VALUE, REQ_TRAILERS, p.str("t"), p.str("1"));
        Probe.Step calloutHeaders =
                p.call(PROXY_GET_HEADER_MAP_PAIRS, MapType.HTTP_CALL_RESPONSE_HEADERS.ordinal(), calloutPairs);
        Probe.Step calloutValue = p.call(
                PROXY_GET_HEADER_MAP_VALUE,
                MapType.HTTP_CALL_RESPONSE_HEADERS.ordinal(),
                p.str(":status"),
                p.outBytes());
        p.on(REQUEST_HEADERS, response, addTrailer, calloutHeaders, calloutValue);
        p.memory().writeU32(calloutPairs.ptrPtr, 77);
        p.memory().writeU32(calloutPairs.lenPtr, 77);
        http.onRequestHeaders(request(), false);
        assertThat(List.of(response, addTrailer, calloutValue))
                .extracting(Probe.Step::status)
                .containsOnly(Status.BAD_ARGUMENT);
        assertThat(calloutHeaders.status()).isEqualTo(Status.OK); // as Envoy: a missing map reads as empty
        assertThat(calloutPairs.pointer()).isZero();
        assertThat(calloutPairs.length()).isZero();
    }

    @Test
    void aPhasesMapsAreReachableUntilTheFilterLetsThePhaseGoOn() {
        Probe.OutBytes inBody = p.outBytes();
        Probe.OutBytes inResponse = p.outBytes();
        Probe.OutBytes requestPairs = p.outBytes();
        Probe.Step readInBody = p.call(PROXY_GET_HEADER_MAP_VALUE, REQ, p.str(":path"), inBody);
        Probe.Step addInBody = p.call(PROXY_ADD_HEADER_MAP_VALUE, REQ, p.str("x-late"), p.str("1"));
        Probe.Step readInResponse = p.call(PROXY_GET_HEADER_MAP_VALUE, REQ, p.str(":path"), inResponse);
        Probe.Step pairsInResponse = p.call(PROXY_GET_HEADER_MAP_PAIRS, REQ, requestPairs);
        Probe.Step sizeInResponse = p.call(PROXY_GET_HEADER_MAP_SIZE, REQ, p.out(4));
        p.on(REQUEST_BODY, readInBody, addInBody);
        p.on(RESPONSE_HEADERS, readInResponse, pairsInResponse, sizeInResponse);
        HeaderMap headers = request();
        http.onRequestHeaders(headers, false);
        http.onRequestBody(Body.of("b"), true);
        http.onResponseHeaders(HeaderMap.of(":status", "200"), true);
        // As Envoy: once on_request_headers returned CONTINUE the request headers are out of reach.
        assertThat(List.of(readInBody, addInBody, readInResponse, sizeInResponse))
                .extracting(Probe.Step::status)
                .containsOnly(Status.BAD_ARGUMENT);
        assertThat(pairsInResponse.status()).isEqualTo(Status.OK);
        assertThat(requestPairs.length()).isZero();
        assertThat(headers.contains("x-late")).isFalse();
    }

    @Test
    void aPausedPhaseKeepsItsMapsUntilContinueStream() {
        Probe.Step addWhilePaused = p.call(PROXY_ADD_HEADER_MAP_VALUE, REQ, p.str("x-paused"), p.str("1"));
        Probe.Step resume = p.call(PROXY_CONTINUE_STREAM, StreamType.HTTP_REQUEST.ordinal());
        Probe.Step addAfterResume = p.call(PROXY_ADD_HEADER_MAP_VALUE, REQ, p.str("x-resumed"), p.str("1"));
        p.returns(REQUEST_HEADERS, 1);
        HeaderMap headers = request();
        assertThat(http.onRequestHeaders(headers, false)).isEqualTo(Action.PAUSE);
        // Later, e.g. from a call-out callback on the root context.
        p.on(
                Probe.Cb.TICK,
                p.call(Probe.Op.PROXY_SET_EFFECTIVE_CONTEXT, http.id()),
                addWhilePaused,
                resume,
                addAfterResume);
        http.rootContext().tick();
        assertThat(List.of(addWhilePaused, resume))
                .extracting(Probe.Step::status)
                .containsOnly(Status.OK);
        assertThat(addAfterResume.status()).isEqualTo(Status.BAD_ARGUMENT);
        assertThat(headers.get("x-paused")).contains("1");
        assertThat(headers.contains("x-resumed")).isFalse();
    }

    @Test
    void proxyOnLogReadsTheFinalRequestAndResponseMapsButChangesNothing() {
        Probe.OutBytes path = p.outBytes();
        Probe.OutBytes status = p.outBytes();
        Probe.OutBytes trailer = p.outBytes();
        Probe.Step readPath = p.call(PROXY_GET_HEADER_MAP_VALUE, REQ, p.str(":path"), path);
        Probe.Step readStatus = p.call(PROXY_GET_HEADER_MAP_VALUE, RESP, p.str(":status"), status);
        Probe.Step readTrailer = p.call(PROXY_GET_HEADER_MAP_VALUE, RESP_TRAILERS, p.str("t"), trailer);
        Probe.Step requestTrailer = p.call(PROXY_GET_HEADER_MAP_VALUE, REQ_TRAILERS, p.str("t"), p.outBytes());
        Probe.Step calloutHeader = p.call(
                PROXY_GET_HEADER_MAP_VALUE,
                MapType.HTTP_CALL_RESPONSE_HEADERS.ordinal(),
                p.str(":status"),
                p.outBytes());
        Probe.Step add = p.call(PROXY_ADD_HEADER_MAP_VALUE, RESP, p.str("x-log"), p.str("1"));
        Probe.Step size = p.call(PROXY_GET_HEADER_MAP_SIZE, REQ, p.out(4));
        p.on(Probe.Cb.LOG, readPath, readStatus, readTrailer, requestTrailer, calloutHeader, add, size);
        Probe.Step inDone = p.call(PROXY_GET_HEADER_MAP_VALUE, REQ, p.str(":path"), p.outBytes());
        p.on(Probe.Cb.DONE, inDone);
        http.onRequestHeaders(request(), false);
        http.onRequestTrailers(HeaderMap.of("t", "req"));
        HeaderMap response = HeaderMap.of(":status", "201");
        http.onResponseHeaders(response, false);
        http.onResponseTrailers(HeaderMap.of("t", "resp"));
        http.finish();
        assertThat(List.of(readPath, readStatus, readTrailer))
                .extracting(Probe.Step::status)
                .containsOnly(Status.OK);
        assertThat(path.string()).isEqualTo("/a");
        assertThat(status.string()).isEqualTo("201");
        assertThat(trailer.string()).isEqualTo("resp");
        // In the access-log phase a map Envoy does not hand over reads like a missing key.
        assertThat(List.of(requestTrailer, calloutHeader))
                .extracting(Probe.Step::status)
                .containsOnly(Status.NOT_FOUND);
        assertThat(List.of(add, size, inDone)).extracting(Probe.Step::status).containsOnly(Status.BAD_ARGUMENT);
        assertThat(response.contains("x-log")).isFalse();
    }

    @Test
    void inProxyOnLogOfAbi01AMissingMapIsAnEmptyValue() {
        Probe p01 = Probe.create(
                ProxyWasmModule.Engine.COMPILER,
                AbiVersion.V0_1_0,
                Probe.plugin("probe"),
                new HostEnvironment(),
                new WasmVm.Options());
        HttpContext h = p01.vm.createRootContext(Probe.plugin("probe")).newHttpContext();
        Probe.OutBytes value = p01.outBytes();
        Probe.Step inLog = p01.call(PROXY_GET_HEADER_MAP_VALUE, RESP, p01.str(":status"), value);
        Probe.Step inHeaders = p01.call(PROXY_GET_HEADER_MAP_VALUE, RESP, p01.str(":status"), p01.outBytes());
        p01.on(REQUEST_HEADERS, inHeaders);
        p01.on(Probe.Cb.LOG, inLog);
        h.onRequestHeaders(request(), true);
        h.finish();
        assertThat(inHeaders.status()).isEqualTo(Status.BAD_ARGUMENT);
        assertThat(inLog.status()).isEqualTo(Status.OK);
        assertThat(value.length()).isZero();
    }

    @Test
    void anEmptyMapIsHandedOverAsZeroBytes() {
        Probe.OutBytes pairs = p.outBytes();
        Probe.Step get = p.call(PROXY_GET_HEADER_MAP_PAIRS, REQ, pairs);
        p.on(REQUEST_HEADERS, get);
        p.memory().writeU32(pairs.ptrPtr, 77);
        p.memory().writeU32(pairs.lenPtr, 77);
        http.onRequestHeaders(new HeaderMap(), true);
        assertThat(get.status()).isEqualTo(Status.OK);
        assertThat(pairs.pointer()).isZero();
        assertThat(pairs.length()).isZero();
    }

    @Test
    void valuesAndNamesThatCouldSplitAHeaderLineAreRefused() {
        byte[] injected = HeaderPairs.encode(HeaderMap.of("x-ok", "1", "x-bad", "a\r\nx-injected: 1"));
        List<Probe.Step> refused = List.of(
                p.call(PROXY_ADD_HEADER_MAP_VALUE, REQ, p.str("x-a"), p.str("v\r\nx-injected: 1")),
                p.call(PROXY_ADD_HEADER_MAP_VALUE, REQ, p.str("x-a"), p.str("v\nx-injected: 1")),
                p.call(PROXY_ADD_HEADER_MAP_VALUE, REQ, p.str("x-a"), p.str("v\rx")),
                p.call(PROXY_ADD_HEADER_MAP_VALUE, REQ, p.str("x-a"), p.str("v\0x")),
                p.call(PROXY_ADD_HEADER_MAP_VALUE, REQ, p.str("x-a\r\nx-injected"), p.str("1")),
                p.call(PROXY_ADD_HEADER_MAP_VALUE, REQ, p.str("x\0a"), p.str("1")),
                p.call(PROXY_ADD_HEADER_MAP_VALUE, REQ, p.str(""), p.str("1")),
                p.call(PROXY_REPLACE_HEADER_MAP_VALUE, REQ, p.str(":path"), p.str("/\r\nx-injected: 1")),
                p.call(PROXY_REPLACE_HEADER_MAP_VALUE, REQ, p.str(""), p.str("1")),
                p.call(PROXY_SET_HEADER_MAP_PAIRS, REQ, p.bytes(injected)),
                p.call(PROXY_SET_HEADER_MAP_PAIRS, REQ, p.bytes(HeaderPairs.encode(HeaderMap.of("", "1")))));
        Probe.Step upper = p.call(PROXY_ADD_HEADER_MAP_VALUE, REQ, p.str("X-Upper"), p.str("tab\tand space ok"));
        List<Probe.Step> steps = new ArrayList<>(refused);
        steps.add(upper);
        p.on(REQUEST_HEADERS, steps.toArray(Probe.Step[]::new));
        HeaderMap headers = request();
        http.onRequestHeaders(headers, false);
        assertThat(refused).extracting(Probe.Step::status).containsOnly(Status.BAD_ARGUMENT);
        assertThat(upper.status()).isEqualTo(Status.OK);
        HeaderMap expected = request();
        expected.add("x-upper", "tab\tand space ok");
        assertThat(headers).isEqualTo(expected);
    }

    @Test
    void badPointersAreInvalidMemoryAccess() {
        Probe.OutBytes value = p.outBytes();
        Probe.Step badKey = p.call(PROXY_GET_HEADER_MAP_VALUE, REQ, 0xFFFFFFF0, 100, value);
        Probe.Step badOut = p.call(PROXY_GET_HEADER_MAP_VALUE, REQ, p.str(":path"), 0x7FFFFFF0, value.lenPtr);
        Probe.Step badPairsOut = p.call(PROXY_GET_HEADER_MAP_PAIRS, REQ, value.ptrPtr, -1);
        Probe.Step badSizeOut = p.call(PROXY_GET_HEADER_MAP_SIZE, REQ, 0x00300000);
        Probe.Step badValue = p.call(PROXY_ADD_HEADER_MAP_VALUE, REQ, p.str("x"), 0x00300000, 1);
        p.on(REQUEST_HEADERS, badKey, badOut, badPairsOut, badSizeOut, badValue);
        HeaderMap headers = request();
        http.onRequestHeaders(headers, false);
        assertThat(List.of(badKey, badOut, badPairsOut, badSizeOut, badValue))
                .extracting(Probe.Step::status)
                .containsOnly(Status.INVALID_MEMORY_ACCESS);
        assertThat(headers.contains("x")).isFalse();
    }

    @Test
    void trailersCanBeAddedOnlyInTheEndOfStreamBodyCallback() {
        Probe.Step early = p.call(PROXY_ADD_HEADER_MAP_VALUE, REQ_TRAILERS, p.str("x-early"), p.str("1"));
        p.on(REQUEST_BODY, early);
        http.onRequestHeaders(request(), false);
        http.onRequestBody(Body.of("part"), false);
        assertThat(early.status()).isEqualTo(Status.BAD_ARGUMENT);
        assertThat(http.requestTrailers()).isEmpty();

        Probe.Step atEnd = p.call(PROXY_ADD_HEADER_MAP_VALUE, REQ_TRAILERS, p.str("x-late"), p.str("2"));
        p.on(REQUEST_BODY, atEnd);
        http.onRequestBody(Body.of("partrest"), true);
        assertThat(atEnd.status()).isEqualTo(Status.OK);
        assertThat(http.requestTrailers())
                .hasValueSatisfying(t -> assertThat(t.get("x-late")).contains("2"));

        Probe.Step response = p.call(PROXY_ADD_HEADER_MAP_VALUE, RESP_TRAILERS, p.str("x-r"), p.str("3"));
        p.on(RESPONSE_BODY, response);
        http.onResponseHeaders(HeaderMap.of(":status", "200"), false);
        http.onResponseBody(Body.of("r"), true);
        assertThat(http.responseTrailers())
                .hasValueSatisfying(t -> assertThat(t.get("x-r")).contains("3"));
    }

    @Test
    void existingTrailersAreTheOnesChanged() {
        Probe.Step add = p.call(PROXY_ADD_HEADER_MAP_VALUE, REQ_TRAILERS, p.str("x-t"), p.str("1"));
        p.on(Probe.Cb.REQUEST_TRAILERS, add);
        http.onRequestHeaders(request(), false);
        HeaderMap trailers = HeaderMap.of("grpc-status", "0");
        http.onRequestTrailers(trailers);
        assertThat(trailers.get("x-t")).contains("1");
    }

    @Test
    void replaceAndRemoveErrorsLeaveTheMapAlone() {
        Probe.Step replaceBadType = p.call(PROXY_REPLACE_HEADER_MAP_VALUE, 8, p.str("x"), p.str("1"));
        Probe.Step removeBadType = p.call(PROXY_REMOVE_HEADER_MAP_VALUE, -1, p.str(":path"));
        Probe.Step replaceNotNow = p.call(PROXY_REPLACE_HEADER_MAP_VALUE, RESP, p.str("x"), p.str("1"));
        Probe.Step removeNotNow = p.call(PROXY_REMOVE_HEADER_MAP_VALUE, REQ_TRAILERS, p.str("x"));
        Probe.Step replaceBadKey = p.call(PROXY_REPLACE_HEADER_MAP_VALUE, REQ, 0x00400000, 4, p.str("1"));
        Probe.Step replaceBadValue = p.call(PROXY_REPLACE_HEADER_MAP_VALUE, REQ, p.str(":path"), 0xFFFFFFF0, 32);
        Probe.Step removeBadKey = p.call(PROXY_REMOVE_HEADER_MAP_VALUE, REQ, 0x00400000, 5);
        p.on(
                REQUEST_HEADERS,
                replaceBadType,
                removeBadType,
                replaceNotNow,
                removeNotNow,
                replaceBadKey,
                replaceBadValue,
                removeBadKey);
        HeaderMap headers = request();
        http.onRequestHeaders(headers, false);
        assertThat(List.of(
                        replaceBadType,
                        removeBadType,
                        replaceNotNow,
                        removeNotNow,
                        replaceBadKey,
                        replaceBadValue,
                        removeBadKey))
                .extracting(Probe.Step::status)
                .containsExactly(
                        Status.BAD_ARGUMENT,
                        Status.BAD_ARGUMENT,
                        Status.BAD_ARGUMENT,
                        Status.BAD_ARGUMENT,
                        Status.INVALID_MEMORY_ACCESS,
                        Status.INVALID_MEMORY_ACCESS,
                        Status.INVALID_MEMORY_ACCESS);
        assertThat(headers).isEqualTo(request());
    }

    /** A map of {@code pairs} entries whose one value pads the serialised map to exactly {@code bytes}. */
    private static byte[] pairsOfSize(int pairs, int bytes) {
        HeaderMap m = new HeaderMap();
        for (int i = 0; i < pairs - 1; i++) {
            m.add(String.format("k%04d", i), "v");
        }
        m.add("last", "");
        int padding = bytes - HeaderPairs.encode(m).length;
        m.set("last", "x".repeat(padding));
        byte[] encoded = HeaderPairs.encode(m);
        assertThat(encoded).hasSize(bytes);
        return encoded;
    }

    private Probe.Bytes inGuest(byte[] data) {
        return new Probe.Bytes(p.memory().allocate(data), data.length); // too big for the probe's scratch area
    }

    @Test
    void setPairsTakesAtMost1024PairsAnd1MiBLikeEveryMapFromTheGuest() {
        Probe.Step maxPairs = p.call(PROXY_SET_HEADER_MAP_PAIRS, REQ, inGuest(pairsOfSize(1024, 20_000)));
        Probe.Step tooManyPairs = p.call(PROXY_SET_HEADER_MAP_PAIRS, REQ, inGuest(pairsOfSize(1025, 20_000)));
        Probe.Step maxBytes =
                p.call(PROXY_SET_HEADER_MAP_PAIRS, REQ_TRAILERS, inGuest(pairsOfSize(2, HeaderPairs.MAX_BYTES)));
        Probe.Step tooManyBytes =
                p.call(PROXY_SET_HEADER_MAP_PAIRS, REQ_TRAILERS, inGuest(pairsOfSize(2, HeaderPairs.MAX_BYTES + 1)));
        p.on(REQUEST_HEADERS, maxPairs, tooManyPairs);
        p.on(Probe.Cb.REQUEST_TRAILERS, maxBytes, tooManyBytes);
        HeaderMap headers = request();
        HeaderMap trailers = HeaderMap.of("t", "1");
        http.onRequestHeaders(headers, false);
        http.onRequestTrailers(trailers);
        assertThat(List.of(maxPairs, tooManyPairs, maxBytes, tooManyBytes))
                .extracting(Probe.Step::status)
                .containsExactly(Status.OK, Status.BAD_ARGUMENT, Status.OK, Status.BAD_ARGUMENT);
        assertThat(headers.size()).isEqualTo(1024);
        assertThat(trailers.size()).isEqualTo(2);
        assertThat(HeaderPairs.encode(trailers)).hasSize(HeaderPairs.MAX_BYTES);
    }

    @Test
    void setPairsNeedsAnAvailableMapAndValidMemory() {
        byte[] pairs = HeaderPairs.encode(HeaderMap.of("a", "1"));
        Probe.Step notNow = p.call(PROXY_SET_HEADER_MAP_PAIRS, RESP, p.bytes(pairs));
        Probe.Step badType = p.call(PROXY_SET_HEADER_MAP_PAIRS, 8, p.bytes(pairs));
        Probe.Step badMemory = p.call(PROXY_SET_HEADER_MAP_PAIRS, REQ, 0x00400000, pairs.length);
        p.on(REQUEST_HEADERS, notNow, badType, badMemory);
        HeaderMap headers = request();
        http.onRequestHeaders(headers, false);
        assertThat(List.of(notNow, badType, badMemory))
                .extracting(Probe.Step::status)
                .containsExactly(Status.BAD_ARGUMENT, Status.BAD_ARGUMENT, Status.INVALID_MEMORY_ACCESS);
        assertThat(headers).isEqualTo(request());
    }

    @Test
    void sizeIsBadArgumentForAMapOutOfReachNowAndForABadType() {
        Probe.Step notNow = p.call(PROXY_GET_HEADER_MAP_SIZE, RESP, p.out(4));
        Probe.Step badType = p.call(PROXY_GET_HEADER_MAP_SIZE, 8, p.out(4));
        p.on(REQUEST_HEADERS, notNow, badType);
        http.onRequestHeaders(request(), false);
        assertThat(List.of(notNow, badType)).extracting(Probe.Step::status).containsOnly(Status.BAD_ARGUMENT);
    }

    @Test
    void sizeCountsTheBytesOfNamesAndValues() {
        Probe.Out size = p.out(4);
        p.on(REQUEST_HEADERS, p.call(PROXY_GET_HEADER_MAP_SIZE, REQ, size));
        // U+00E9 is 2 bytes in UTF-8 and U+1F600 (one code point, two Java chars) is 4; a Latin-1 E9 is 1.
        http.onRequestHeaders(
                HeaderMap.of(
                        ":path",
                        "/",
                        "x-name",
                        HeaderMap.utf8("h\u00e9llo"),
                        "x-emoji",
                        HeaderMap.utf8("\ud83d\ude00"),
                        "x-latin1",
                        "\u00e9"),
                false);
        assertThat(size.u32()).isEqualTo(5 + 1 + 6 + 6 + 7 + 4 + 8 + 1);
    }
}
