package dev.wasmesh.host;

import static dev.wasmesh.host.Probe.Cb.CONTEXT_CREATE;
import static dev.wasmesh.host.Probe.Cb.REQUEST_HEADERS;
import static dev.wasmesh.host.Probe.Cb.RESPONSE_HEADERS;
import static dev.wasmesh.host.Probe.Op.PROXY_GET_PROPERTY;
import static dev.wasmesh.host.Probe.Op.PROXY_SET_PROPERTY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.host.abi.Status;
import dev.wasmesh.host.internal.HeaderPairs;
import dev.wasmesh.host.module.ProxyWasmModule;
import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.host.stream.StreamControl;
import dev.wasmesh.host.stream.StreamInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PropertyFunctionsTest {
    private final Probe p = Probe.create(ProxyWasmModule.Engine.COMPILER);

    private Probe.Step get(String path, Probe.OutBytes out) {
        return p.call(PROXY_GET_PROPERTY, p.str(path.replace('.', '\0')), out);
    }

    private static long int64(byte[] b) {
        assertThat(b).hasSize(8);
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @Test
    void pluginPropertiesWorkInsideRootContextCreate() {
        Probe.OutBytes rootId = p.outBytes();
        Probe.OutBytes name = p.outBytes();
        Probe.OutBytes vmId = p.outBytes();
        Probe.Step r = get("plugin_root_id", rootId);
        Probe.Step n = get("plugin_name", name);
        Probe.Step v = get("plugin_vm_id", vmId);
        p.on(CONTEXT_CREATE, r, n, v);
        p.vm.createRootContext(PluginConfig.builder()
                .name("my-plugin")
                .rootId("my_root")
                .vmId("my-vm")
                .build());
        assertThat(rootId.string()).isEqualTo("my_root");
        assertThat(name.string()).isEqualTo("my-plugin");
        assertThat(vmId.string()).isEqualTo("my-vm");
    }

    @Test
    void requestPropertiesComeFromTheRequestHeadersAndStreamInfo() {
        RootContext root = p.vm.createRootContext(Probe.plugin("probe"));
        StreamInfo info = new StreamInfo()
                .source("10.0.0.1", 5555)
                .destination("10.0.0.2", 8080)
                .protocol("HTTP/2")
                .connectionId(42)
                .startTimeNanos(1_700_000_000_000_000_000L);
        HttpContext http = root.newHttpContext(StreamControl.NONE, info);
        String[] paths = {
            "request.path",
            "request.url_path",
            "request.query",
            "request.host",
            "request.method",
            "request.scheme",
            "request.id",
            "request.useragent",
            "request.referer",
            "request.protocol",
            "request.headers.x-custom",
            "source.address",
            "destination.address",
            "destination.port",
            "source.port",
            "connection.id",
            "request.time"
        };
        Probe.OutBytes[] outs = new Probe.OutBytes[paths.length];
        Probe.Step[] steps = new Probe.Step[paths.length];
        for (int i = 0; i < paths.length; i++) {
            outs[i] = p.outBytes();
            steps[i] = get(paths[i], outs[i]);
        }
        p.on(REQUEST_HEADERS, steps);
        http.onRequestHeaders(
                HeaderMap.of(
                        ":method",
                        "POST",
                        ":path",
                        "/p/q?x=1",
                        ":authority",
                        "svc.local",
                        ":scheme",
                        "https",
                        "x-request-id",
                        "rid",
                        "user-agent",
                        "ua",
                        "referer",
                        "ref",
                        "x-custom",
                        "c"),
                false);
        assertThat(steps).extracting(Probe.Step::status).containsOnly(Status.OK);
        assertThat(outs[0].string()).isEqualTo("/p/q?x=1");
        assertThat(outs[1].string()).isEqualTo("/p/q");
        assertThat(outs[2].string()).isEqualTo("x=1");
        assertThat(outs[3].string()).isEqualTo("svc.local");
        assertThat(outs[4].string()).isEqualTo("POST");
        assertThat(outs[5].string()).isEqualTo("https");
        assertThat(outs[6].string()).isEqualTo("rid");
        assertThat(outs[7].string()).isEqualTo("ua");
        assertThat(outs[8].string()).isEqualTo("ref");
        assertThat(outs[9].string()).isEqualTo("HTTP/2");
        assertThat(outs[10].string()).isEqualTo("c");
        assertThat(outs[11].string()).isEqualTo("10.0.0.1:5555");
        assertThat(outs[12].string()).isEqualTo("10.0.0.2:8080");
        assertThat(int64(outs[13].bytes())).isEqualTo(8080);
        assertThat(int64(outs[14].bytes())).isEqualTo(5555);
        assertThat(int64(outs[15].bytes())).isEqualTo(42);
        assertThat(int64(outs[16].bytes())).isEqualTo(1_700_000_000_000_000_000L);
    }

    @Test
    void responsePropertiesAndMaps() {
        RootContext root = p.vm.createRootContext(Probe.plugin("probe"));
        StreamInfo info = new StreamInfo().response(201, "via_upstream");
        HttpContext http = root.newHttpContext(StreamControl.NONE, info);
        Probe.OutBytes code = p.outBytes();
        Probe.OutBytes details = p.outBytes();
        Probe.OutBytes header = p.outBytes();
        Probe.OutBytes headers = p.outBytes();
        Probe.Step[] steps = {
            get("response.code", code),
            get("response.code_details", details),
            get("response.headers.x-r", header),
            get("response.headers", headers)
        };
        p.on(RESPONSE_HEADERS, steps);
        http.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        HeaderMap response = HeaderMap.of(":status", "201", "x-r", "v");
        http.onResponseHeaders(response, true);
        assertThat(steps).extracting(Probe.Step::status).containsOnly(Status.OK);
        assertThat(int64(code.bytes())).isEqualTo(201);
        assertThat(details.string()).isEqualTo("via_upstream");
        assertThat(header.string()).isEqualTo("v");
        assertThat(headers.bytes()).isEqualTo(HeaderPairs.encode(response));
    }

    @Test
    void nodePropertiesComeFromTheEnvironment() {
        p.env.setNodeProperty("node.id", "sidecar~1".getBytes(StandardCharsets.UTF_8));
        p.env.setNodeProperty("node.metadata.NAME", "pod-a".getBytes(StandardCharsets.UTF_8));
        Probe.OutBytes id = p.outBytes();
        Probe.OutBytes meta = p.outBytes();
        Probe.Step a = get("node.id", id);
        Probe.Step b = get("node.metadata.NAME", meta);
        Probe.Step missing = get("node.cluster", p.outBytes());
        p.on(CONTEXT_CREATE, a, b, missing);
        p.vm.createRootContext(Probe.plugin("probe"));
        assertThat(id.string()).isEqualTo("sidecar~1");
        assertThat(meta.string()).isEqualTo("pod-a");
        assertThat(missing.status()).isEqualTo(Status.NOT_FOUND);
    }

    @Test
    void aRootContextHasNoStateToSetAndUnknownPathsAreNotFound() {
        Probe.Step setOnRoot = p.call(PROXY_SET_PROPERTY, p.str("custom"), p.str("root"));
        Probe.Step readOnRoot = get("custom", p.outBytes());
        Probe.Step unknown = get("no.such.thing", p.outBytes());
        Probe.Step rootHasNoRequest = get("request.path", p.outBytes());
        Probe.Step empty = p.call(PROXY_GET_PROPERTY, 0, 0, p.outBytes());
        Probe.Step badPath = p.call(PROXY_GET_PROPERTY, 0x00400000, 8, p.outBytes());
        Probe.Step badOut = p.call(PROXY_GET_PROPERTY, p.str("plugin_name"), 0x00400000, 0);
        Probe.Step badValueOnRoot = p.call(PROXY_SET_PROPERTY, p.str("k"), 0xFFFFFFF0, 32);
        p.on(
                Probe.Cb.CONFIGURE,
                setOnRoot,
                readOnRoot,
                unknown,
                rootHasNoRequest,
                empty,
                badPath,
                badOut,
                badValueOnRoot);
        p.vm.createRootContext(Probe.plugin("probe"));
        // As Envoy: a root context has no stream state to keep a value in, and an empty path leaves the null value
        // Envoy starts from, which it cannot serialise.
        assertThat(List.of(setOnRoot, readOnRoot, unknown, rootHasNoRequest, empty, badPath, badOut, badValueOnRoot))
                .extracting(Probe.Step::status)
                .containsExactly(
                        Status.NOT_FOUND,
                        Status.NOT_FOUND,
                        Status.NOT_FOUND,
                        Status.NOT_FOUND,
                        Status.SERIALIZATION_FAILURE,
                        Status.INVALID_MEMORY_ACCESS,
                        Status.INVALID_MEMORY_ACCESS,
                        Status.INVALID_MEMORY_ACCESS);
    }

    @Test
    void aSetValueIsReadBackOnlyAtAOneSegmentPathAsInEnvoy() {
        Probe.OutBytes single = p.outBytes();
        Probe.OutBytes builtIn = p.outBytes();
        Probe.OutBytes overwritten = p.outBytes();
        Probe.OutBytes dynamicMetadata = p.outBytes();
        Probe.OutBytes emptyName = p.outBytes();
        Probe.Step[] steps = {
            p.call(PROXY_SET_PROPERTY, p.str("custom"), p.bytes(new byte[] {0, 'v', (byte) 0xff})),
            get("custom", single),
            // Envoy keeps the value under the whole path but resolves a get by its first segment alone.
            p.call(PROXY_SET_PROPERTY, p.str("wasmesh\0custom"), p.str("deep")),
            get("wasmesh.custom", p.outBytes()),
            get("wasmesh", p.outBytes()),
            // A stored value is bytes: nothing lies below it.
            get("custom.more", p.outBytes()),
            // A name Envoy answers itself stays that attribute.
            p.call(PROXY_SET_PROPERTY, p.str("plugin_root_id"), p.str("shadow")),
            get("plugin_root_id", builtIn),
            p.call(PROXY_SET_PROPERTY, p.str("metadata"), p.str("m")),
            get("metadata", dynamicMetadata),
            // The key is the path as sent, trailing NUL included; a get ignores a trailing NUL.
            p.call(PROXY_SET_PROPERTY, p.str("trail\0"), p.str("t")),
            p.call(PROXY_GET_PROPERTY, p.str("trail\0"), p.outBytes()),
            p.call(PROXY_SET_PROPERTY, p.str("custom"), p.str("second")),
            p.call(PROXY_GET_PROPERTY, p.str("custom\0"), overwritten),
            // An empty path is a key too, read back through the one empty segment of "\0".
            p.call(PROXY_SET_PROPERTY, 0, 0, p.str("e")),
            p.call(PROXY_GET_PROPERTY, p.str("\0"), emptyName)
        };
        p.on(REQUEST_HEADERS, steps);
        p.vm.createRootContext(Probe.plugin("probe"))
                .newHttpContext()
                .onRequestHeaders(HeaderMap.of(":path", "/"), true);
        assertThat(steps)
                .extracting(Probe.Step::status)
                .containsExactly(
                        Status.OK,
                        Status.OK,
                        Status.OK,
                        Status.NOT_FOUND,
                        Status.NOT_FOUND,
                        Status.NOT_FOUND,
                        Status.OK,
                        Status.OK,
                        Status.OK,
                        Status.OK,
                        Status.OK,
                        Status.NOT_FOUND,
                        Status.OK,
                        Status.OK,
                        Status.OK,
                        Status.OK);
        assertThat(single.bytes()).isEqualTo(new byte[] {0, 'v', (byte) 0xff});
        // "metadata" is the stream's dynamic metadata, an empty Metadata message (its encoding: no bytes).
        assertThat(dynamicMetadata.bytes()).isEmpty();
        assertThat(builtIn.string()).isEqualTo("probe");
        assertThat(overwritten.string()).isEqualTo("second");
        assertThat(emptyName.string()).isEqualTo("e");
    }

    @Test
    void aSetValueBelongsToTheStreamAndEveryFilterOfItSeesIt() {
        Probe other = Probe.create(ProxyWasmModule.Engine.COMPILER);
        StreamInfo info = new StreamInfo();
        RootContext root = p.vm.createRootContext(Probe.plugin("probe"));
        HttpContext first = root.newHttpContext(StreamControl.NONE, info);
        HttpContext second = other.vm.createRootContext(Probe.plugin("other")).newHttpContext(StreamControl.NONE, info);
        HttpContext unrelated = root.newHttpContext();
        p.on(REQUEST_HEADERS, p.call(PROXY_SET_PROPERTY, p.str("shared"), p.str("from-first")));
        first.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        Probe.OutBytes seen = other.outBytes();
        Probe.Step read = other.call(PROXY_GET_PROPERTY, other.str("shared"), seen);
        other.on(REQUEST_HEADERS, read);
        second.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        Probe.Step readElsewhere = get("shared", p.outBytes());
        p.on(REQUEST_HEADERS, readElsewhere);
        unrelated.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        // As Envoy's filter state: one per stream, shared by the stream's filters.
        assertThat(read.status()).isEqualTo(Status.OK);
        assertThat(seen.string()).isEqualTo("from-first");
        assertThat(readElsewhere.status()).isEqualTo(Status.NOT_FOUND);
        assertThat(first.property(new String[] {"shared"}).map(b -> new String(b, StandardCharsets.UTF_8)))
                .contains("from-first");
    }

    @Test
    void anAttributeTheEmbedderGivesIsAnsweredAtItsExactPath() {
        StreamInfo info = new StreamInfo()
                .attribute(new String[] {"metadata", "filter_metadata", "k"}, "v".getBytes(StandardCharsets.UTF_8));
        HttpContext http = p.vm.createRootContext(Probe.plugin("probe")).newHttpContext(StreamControl.NONE, info);
        Probe.OutBytes value = p.outBytes();
        Probe.Step exact = get("metadata.filter_metadata.k", value);
        Probe.Step above = get("metadata.filter_metadata", p.outBytes());
        p.on(REQUEST_HEADERS, exact, above);
        http.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        assertThat(exact.status()).isEqualTo(Status.OK);
        assertThat(value.string()).isEqualTo("v");
        // Above it is Envoy's own value: the empty dynamic metadata's filter_metadata, an empty map (pairs: count 0).
        assertThat(above.status()).isEqualTo(Status.OK);
    }

    @Test
    void requestAttributesFollowTheRequestHeadersReach() {
        RootContext root = p.vm.createRootContext(Probe.plugin("probe"));
        HttpContext http = root.newHttpContext(StreamControl.NONE, new StreamInfo().protocol("HTTP/1.1"));
        Probe.OutBytes headers = p.outBytes();
        Probe.OutBytes protocol = p.outBytes();
        Probe.Step all = get("request.headers", headers);
        Probe.Step one = get("request.headers.x-a", p.outBytes());
        Probe.Step path = get("request.path", p.outBytes());
        Probe.Step proto = get("request.protocol", protocol);
        Probe.Step tooDeep = get("response.headers.x-r.more", p.outBytes());
        p.on(RESPONSE_HEADERS, all, one, path, proto, tooDeep);
        http.onRequestHeaders(HeaderMap.of(":path", "/p", "x-a", "1"), true);
        http.onResponseHeaders(HeaderMap.of(":status", "200", "x-r", "v"), true);
        // As Envoy: in the response phase the request headers are out of reach; the map reads as empty.
        assertThat(List.of(all, proto)).extracting(Probe.Step::status).containsOnly(Status.OK);
        assertThat(headers.bytes()).isEqualTo(new byte[4]);
        assertThat(protocol.string()).isEqualTo("HTTP/1.1");
        assertThat(List.of(one, path, tooDeep)).extracting(Probe.Step::status).containsOnly(Status.NOT_FOUND);
    }

    @Test
    void aTrailingNulInThePathIsAccepted() {
        Probe.OutBytes out = p.outBytes();
        Probe.Step step = p.call(PROXY_GET_PROPERTY, p.str("plugin_root_id\0"), out);
        p.on(CONTEXT_CREATE, step);
        p.vm.createRootContext(Probe.plugin("probe"));
        assertThat(out.string()).isEqualTo("probe");
    }

    @Test
    void setPropertyErrors() {
        Probe.Step badPath = p.call(PROXY_SET_PROPERTY, 0x00400000, 4, p.str("v"));
        Probe.Step badValue = p.call(PROXY_SET_PROPERTY, p.str("k"), 0xFFFFFFF0, 32);
        Probe.Step readBack = get("k", p.outBytes());
        p.on(REQUEST_HEADERS, badPath, badValue, readBack);
        p.vm.createRootContext(Probe.plugin("probe")).newHttpContext().onRequestHeaders(new HeaderMap(), true);
        assertThat(List.of(badPath, badValue, readBack))
                .extracting(Probe.Step::status)
                .containsExactly(Status.INVALID_MEMORY_ACCESS, Status.INVALID_MEMORY_ACCESS, Status.NOT_FOUND);
    }
}
