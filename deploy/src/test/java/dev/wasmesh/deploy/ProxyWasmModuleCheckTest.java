package dev.wasmesh.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wasmesh.deploy.testing.TestModules;
import org.junit.jupiter.api.Test;

class ProxyWasmModuleCheckTest {
    @Test
    void acceptsTheSeedFilter() {
        ProxyWasmModuleCheck.Summary summary = ProxyWasmModuleCheck.check(TestModules.seedFilter(), "filter.wasm");
        assertThat(summary.abiVersion()).isEqualTo("0.2.1");
    }

    @Test
    void readsTheMarkerOfOtherAbiVersions() {
        assertThat(ProxyWasmModuleCheck.check(TestModules.minimal("proxy_abi_version_0_1_0", 100), "m")
                        .abiVersion())
                .isEqualTo("0.1.0");
    }

    @Test
    void refusesWhatIsNotWasm() {
        assertThatThrownBy(() -> ProxyWasmModuleCheck.check("hello world".getBytes(), "notes.txt"))
                .isInstanceOf(DeployException.class)
                .hasMessage("notes.txt: not a WebAssembly module (no \\0asm header)");
        byte[] v2 = TestModules.minimal("proxy_abi_version_0_2_1", 0);
        v2[4] = 2;
        assertThatThrownBy(() -> ProxyWasmModuleCheck.check(v2, "v2.wasm"))
                .hasMessage("v2.wasm: unsupported WebAssembly binary version 2 (only version 1 modules run here;"
                        + " components do not)");
    }

    @Test
    void refusesModulesWithoutTheAbiMarker() {
        assertThatThrownBy(() -> ProxyWasmModuleCheck.check(TestModules.minimal("proxy_on_tick", 0), "tick.wasm"))
                .hasMessage("tick.wasm: missing or unknown proxy-wasm ABI version: no export proxy_abi_version_0_1_0,"
                        + " _0_2_0 or _0_2_1 (proxy_* exports found: proxy_on_tick)");
        assertThatThrownBy(() -> ProxyWasmModuleCheck.check(TestModules.minimal("_start", 0), "app.wasm"))
                .hasMessage("app.wasm: missing or unknown proxy-wasm ABI version: no export proxy_abi_version_0_1_0,"
                        + " _0_2_0 or _0_2_1 (proxy_* exports found: none)");
    }

    @Test
    void refusesModulesWithoutAnAllocator() {
        byte[] module = TestModules.minimal("proxy_abi_version_0_2_1", 0);
        // Rename the export "malloc" to "mallox": the module then lacks an allocator, which inspect reports.
        String text = new String(module, java.nio.charset.StandardCharsets.ISO_8859_1).replace("malloc", "mallox");
        assertThatThrownBy(() -> ProxyWasmModuleCheck.check(
                        text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), "a.wasm"))
                .hasMessageStartingWith("a.wasm: no allocator export");
    }

    @Test
    void refusesTruncatedModules() {
        byte[] module = TestModules.minimal("proxy_abi_version_0_2_1", 0);
        byte[] truncated = java.util.Arrays.copyOf(module, 11); // inside the type section, before the exports
        assertThatThrownBy(() -> ProxyWasmModuleCheck.check(truncated, "cut.wasm"))
                .hasMessageStartingWith("cut.wasm: malformed module: ");
    }
}
