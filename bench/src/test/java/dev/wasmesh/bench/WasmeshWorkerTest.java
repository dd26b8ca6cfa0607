package dev.wasmesh.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.host.module.ProxyWasmModule;
import dev.wasmesh.host.stream.HeaderMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The benchmarked lifecycle does the filters' real work, on both engines. */
class WasmeshWorkerTest {
    @ParameterizedTest
    @EnumSource(ProxyWasmModule.Engine.class)
    void seedSetsHelloWorldAndLeavesOnlyTheRootContext(ProxyWasmModule.Engine engine) {
        WasmeshWorker worker = WasmeshWorker.start(WasmeshWorker.compile(ExampleFilter.SEED, engine));
        for (int i = 0; i < 3; i++) {
            HeaderMap response = worker.serve();
            assertThat(response.all("hello")).containsExactly("world");
            assertThat(response.first(":status")).isEqualTo("200");
        }
        assertThat(worker.vm().liveContexts()).isEqualTo(1);
        assertThat(worker.vm().failed()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(ProxyWasmModule.Engine.class)
    void cAllTakesThePlainRouteOnEveryRequest(ProxyWasmModule.Engine engine) {
        WasmeshWorker worker = WasmeshWorker.start(WasmeshWorker.compile(ExampleFilter.C_ALL, engine));
        for (int i = 0; i < 3; i++) {
            HeaderMap request = HeaderMap.of(SampleExchange.REQUEST_HEADERS);
            HeaderMap response = HeaderMap.of(SampleExchange.RESPONSE_HEADERS);
            worker.serve(request, response);
            assertThat(request.first("x-c-all-path")).isEqualTo("/");
            assertThat(request.first("x-c-all-root-id")).isEqualTo("bench");
            assertThat(request.contains("x-c-all-error")).isFalse();
            assertThat(response.first("x-c-all-response")).isEqualTo("yes");
            assertThat(response.first("x-c-all-replaced")).isEqualTo("yes");
        }
        assertThat(worker.vm().liveContexts()).isEqualTo(1);
        assertThat(worker.vm().failed()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(ExampleFilter.class)
    void everyNewWorkerStartsItsOwnVm(ExampleFilter filter) {
        ProxyWasmModule module = WasmeshWorker.compile(filter, ProxyWasmModule.Engine.COMPILER);
        WasmeshWorker first = WasmeshWorker.start(module);
        WasmeshWorker second = WasmeshWorker.start(module);
        assertThat(first.vm()).isNotSameAs(second.vm());
        assertThat(second.vm().rootContexts()).hasSize(1);
        assertThat(second.serve().first(":status")).isEqualTo("200");
    }
}
