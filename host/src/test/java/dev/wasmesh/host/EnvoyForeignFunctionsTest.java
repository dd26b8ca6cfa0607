package dev.wasmesh.host;

import static dev.wasmesh.host.Probe.Cb.CONFIGURE;
import static dev.wasmesh.host.Probe.Cb.REQUEST_HEADERS;
import static dev.wasmesh.host.Probe.Op.PROXY_CALL_FOREIGN_FUNCTION;
import static dev.wasmesh.host.Probe.Op.PROXY_GET_PROPERTY;
import static dev.wasmesh.host.Probe.Op.PROXY_SET_PROPERTY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.host.abi.Status;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Envoy's built-in foreign functions as a filter calls them, and the structured attributes they touch. */
class EnvoyForeignFunctionsTest {
    private final Probe p = Probe.create(ProxyWasmModule.Engine.COMPILER);

    private Probe.Step get(String path, Probe.OutBytes out) {
        return p.call(PROXY_GET_PROPERTY, p.str(path.replace('.', '\0')), out);
    }

    private Probe.Step foreign(String name, byte[] args) {
        return p.call(PROXY_CALL_FOREIGN_FUNCTION, p.str(name), p.bytes(args), p.outBytes());
    }

    @Test
    void aReadOnlyDeclaredPropertyIsSetOncePerStream() {
        // DeclarePropertyArguments{name: "once", readonly: true, type: STRING (2)}
        Probe.Step declare = foreign("declare_property", new byte[] {0x0A, 4, 'o', 'n', 'c', 'e', 0x10, 1, 0x18, 2});
        p.on(CONFIGURE, declare);
        RootContext root = p.vm.createRootContext(Probe.plugin("probe"));
        Probe.OutBytes value = p.outBytes();
        Probe.Step[] steps = {
            p.call(PROXY_SET_PROPERTY, p.str("once"), p.str("first")),
            p.call(PROXY_SET_PROPERTY, p.str("once"), p.str("second")),
            p.call(PROXY_SET_PROPERTY, p.str("free"), p.str("1")),
            p.call(PROXY_SET_PROPERTY, p.str("free"), p.str("2")),
            get("once", value)
        };
        p.on(REQUEST_HEADERS, steps);
        root.newHttpContext().onRequestHeaders(HeaderMap.of(":path", "/"), true);
        assertThat(declare.status()).isEqualTo(Status.OK);
        assertThat(List.of(steps))
                .extracting(Probe.Step::status)
                .containsExactly(Status.OK, Status.BAD_ARGUMENT, Status.OK, Status.OK, Status.OK);
        assertThat(value.string()).isEqualTo("first");
        // Each stream has its own value.
        Probe.Step again = p.call(PROXY_SET_PROPERTY, p.str("once"), p.str("third"));
        p.on(REQUEST_HEADERS, again);
        root.newHttpContext().onRequestHeaders(HeaderMap.of(":path", "/"), true);
        assertThat(again.status()).isEqualTo(Status.OK);
    }

    @Test
    void theRouteIsLookedUpOnceUntilClearRouteCache() {
        AtomicInteger lookups = new AtomicInteger();
        StreamInfo info = new StreamInfo();
        info.routeLookup(() -> {
            lookups.incrementAndGet();
            info.route("backend", "r" + lookups.get())
                    .routeMetadata(Metadata.of(Map.of("ns", Map.of("k", "v"))), Metadata.EMPTY, "vh", Metadata.EMPTY);
        });
        Probe.OutBytes first = p.outBytes();
        Probe.OutBytes cached = p.outBytes();
        Probe.OutBytes after = p.outBytes();
        Probe.OutBytes metadata = p.outBytes();
        Probe.Step[] steps = {
            get("xds.route_name", first),
            get("xds.route_name", cached),
            foreign("clear_route_cache", new byte[0]),
            get("xds.route_name", after),
            get("xds.route_metadata.filter_metadata.ns.k", metadata)
        };
        p.on(REQUEST_HEADERS, steps);
        p.vm.createRootContext(Probe.plugin("probe"))
                .newHttpContext(StreamControl.NONE, info)
                .onRequestHeaders(HeaderMap.of(":path", "/"), true);
        assertThat(List.of(steps)).extracting(Probe.Step::status).containsOnly(Status.OK);
        assertThat(first.string()).isEqualTo("r1");
        assertThat(cached.string()).isEqualTo("r1");
        assertThat(after.string()).isEqualTo("r2");
        assertThat(metadata.string()).isEqualTo("v");
        assertThat(lookups).hasValue(2);
    }

    @Test
    void theNodeIsThereForRootContextsAndTheRestOfXdsIsNot() {
        p.env.node(new NodeInfo("n1", "c1", Map.of("NAME", "pod"), "", "", ""));
        Probe.OutBytes id = p.outBytes();
        Probe.OutBytes whole = p.outBytes();
        Probe.Step idStep = get("xds.node.id", id);
        Probe.Step wholeStep = get("xds.node", whole);
        Probe.Step route = get("xds.route_name", p.outBytes());
        p.on(CONFIGURE, idStep, wholeStep, route);
        p.vm.createRootContext(Probe.plugin("probe"));
        assertThat(idStep.status()).isEqualTo(Status.OK);
        assertThat(id.string()).isEqualTo("n1");
        // Node{id: "n1", cluster: "c1", metadata: {NAME: "pod"}} in protobuf's encoding.
        byte[] expected = {
            0x0A, 2, 'n', '1', 0x12, 2, 'c', '1', 0x1A, 15, 0x0A, 13, 0x0A, 4, 'N', 'A', 'M', 'E', 0x12, 5, 0x1A, 3,
            'p', 'o', 'd'
        };
        assertThat(whole.bytes()).isEqualTo(expected);
        assertThat(route.status()).isEqualTo(Status.NOT_FOUND);
    }
}
