package dev.wasmesh.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.wasmesh.host.module.ProxyWasmModule;
import dev.wasmesh.testsupport.Wat;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A module's own start-up gets ten callback deadlines: a language runtime's set-up runs before the JIT saw it. */
class StartupDeadlineTest {
    private static final String SPIN_AT_START = "(module\n"
            + "  (memory (export \"memory\") 1)\n"
            + "  (func (export \"proxy_abi_version_0_2_1\"))\n"
            + "  (func (export \"proxy_on_memory_allocate\") (param i32) (result i32) (i32.const 1024))\n"
            + "  (func (export \"_initialize\") (loop $forever (br $forever))))\n";

    @Test
    void anEndlessInitializeIsStoppedAfterTenCallbackDeadlines() throws Exception {
        ProxyWasmModule module = ProxyWasmModule.fromBytes("spin.wasm", Wat.compile(SPIN_AT_START));
        PluginConfig config =
                PluginConfig.builder().callbackDeadline(Duration.ofMillis(50)).build();
        WasmFailureException e = catchThrowableOfType(
                WasmFailureException.class, () -> WasmVm.create(module, new HostEnvironment(), config));
        assertThat(e.failure().kind()).isEqualTo(WasmFailure.Kind.DEADLINE);
        assertThat(e.failure().callback()).isEqualTo("_initialize");
        assertThat(e.getMessage()).contains("ran longer than 500 ms");
    }
}
