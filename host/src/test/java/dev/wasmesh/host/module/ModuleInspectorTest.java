package dev.wasmesh.host.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wasmesh.testsupport.Examples;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class ModuleInspectorTest {
    private static ModuleReport inspect(String example) throws Exception {
        return ModuleInspector.inspect(example + ".wasm", Files.readAllBytes(Examples.wasm(example)));
    }

    @Test
    void seedIsAC21ReactorWithItsCallbacks() throws Exception {
        ModuleReport r = inspect("seed");
        assertThat(r.abiVersion()).isEqualTo("0.2.1");
        assertThat(r.loadable()).isTrue();
        assertThat(r.verdict()).isEqualTo("loadable here (proxy-wasm ABI 0.2.1)");
        assertThat(r.callbacks()).contains("proxy_on_response_headers", "proxy_on_context_create");
        assertThat(r.proxyImports()).containsExactlyInAnyOrder("proxy_replace_header_map_value", "proxy_log");
        assertThat(r.wasiImports()).isEmpty();
        assertThat(r.startFunction()).isEqualTo("_initialize");
        assertThat(r.allocator()).isEqualTo("proxy_on_memory_allocate");
        assertThat(r.initialMemoryPages()).isPositive();
        assertThat(r.toolchain()).containsIgnoringCase("clang");
    }

    @Test
    void assemblyScriptModulesAreRecognised() throws Exception {
        ModuleReport solo = inspect("as-solo");
        assertThat(solo.abiVersion()).isEqualTo("0.2.0");
        assertThat(solo.startFunction()).isEqualTo("start section");
        assertThat(solo.allocator()).isEqualTo("malloc");
        assertThat(solo.toolchain()).startsWith("AssemblyScript");

        ModuleReport gcore = inspect("as-gcore");
        assertThat(gcore.startFunction()).isEqualTo("_start");
        assertThat(gcore.wasiImports()).contains("wasi_snapshot_preview1.fd_write");
        assertThat(gcore.toolchain()).startsWith("AssemblyScript");
    }

    @Test
    void rustModuleIsRecognised() throws Exception {
        ModuleReport r = inspect("rust");
        assertThat(r.toolchain()).startsWith("Rust");
        assertThat(r.startFunction()).isEqualTo("none");
    }

    @Test
    void notWasmIsRefusedWithAReason() {
        assertThatThrownBy(() -> ModuleInspector.inspect("x.wasm", "hello".getBytes()))
                .isInstanceOf(ModuleLoadException.class)
                .hasMessage("x.wasm: not a WebAssembly module (no \\0asm header)");
    }
}
