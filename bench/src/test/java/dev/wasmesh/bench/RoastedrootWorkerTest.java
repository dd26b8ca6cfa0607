package dev.wasmesh.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wasmesh.host.module.ProxyWasmModule;
import io.roastedroot.proxywasm.PluginFactory;
import io.roastedroot.proxywasm.internal.ProxyMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The comparison host runs on wasmesh's Chicory and does the same work in the same lifecycle. */
class RoastedrootWorkerTest {
    @ParameterizedTest
    @EnumSource(ProxyWasmModule.Engine.class)
    void seedSetsHelloWorldOnEveryRequest(ProxyWasmModule.Engine engine) {
        PluginFactory factory = RoastedrootWorker.compile(ExampleFilter.SEED, engine);
        RoastedrootWorker worker = RoastedrootWorker.start(factory);
        for (int i = 0; i < 3; i++) {
            ProxyMap request = ProxyMap.of(SampleExchange.REQUEST_HEADERS);
            ProxyMap response = ProxyMap.of(SampleExchange.RESPONSE_HEADERS);
            worker.serve(request, response);
            assertThat(response.get("hello")).isEqualTo("world");
            assertThat(response.get(":status")).isEqualTo("200");
            assertThat(request.size()).isEqualTo(SampleExchange.REQUEST_HEADERS.length / 2);
        }
        assertThat(RoastedrootWorker.start(factory).serve().get("hello")).isEqualTo("world");
    }

    /** Why the c-all comparison is missing: this version cannot configure a filter that sets a tick period. */
    @ParameterizedTest
    @EnumSource(ProxyWasmModule.Engine.class)
    void cannotStartCAll(ProxyWasmModule.Engine engine) {
        PluginFactory factory = RoastedrootWorker.compile(ExampleFilter.C_ALL, engine);
        assertThatThrownBy(() -> RoastedrootWorker.start(factory))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("serverAdaptor");
    }
}
