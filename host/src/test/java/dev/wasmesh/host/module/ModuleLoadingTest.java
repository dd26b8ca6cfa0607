package dev.wasmesh.host.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wasmesh.host.HostEnvironment;
import dev.wasmesh.host.PluginConfig;
import dev.wasmesh.host.WasmFailure;
import dev.wasmesh.host.WasmFailureException;
import dev.wasmesh.host.WasmVm;
import dev.wasmesh.host.abi.AbiVersion;
import dev.wasmesh.testsupport.Wat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModuleLoadingTest {
    private static final String MINIMAL = "(module (memory (export \"memory\") 1)"
            + " (func (export \"proxy_abi_version_0_2_1\"))"
            + " (func (export \"proxy_on_memory_allocate\") (param i32) (result i32) (i32.const 0)) %s)";

    private static String loadError(byte[] bytes) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> ProxyWasmModule.fromBytes("f.wasm", bytes));
        assertThat(t).isInstanceOf(ModuleLoadException.class);
        assertThat(t.getMessage()).doesNotContain("\n").startsWith("f.wasm: ");
        return t.getMessage();
    }

    private static byte[] wat(String extra) {
        return Wat.compile(String.format(MINIMAL, extra));
    }

    @Test
    void aMinimalModuleLoadsWithBothEngines() throws Exception {
        for (ProxyWasmModule.Engine engine : ProxyWasmModule.Engine.values()) {
            ProxyWasmModule m = ProxyWasmModule.fromBytes("f.wasm", wat(""), engine);
            assertThat(m.abiVersion()).isEqualTo(AbiVersion.V0_2_1);
            assertThat(m.engine()).isEqualTo(engine);
        }
    }

    @Test
    void notAWasmFile() {
        assertThat(loadError("hello world, not wasm".getBytes(StandardCharsets.UTF_8)))
                .contains("not a WebAssembly module");
        assertThat(loadError(new byte[0])).contains("not a WebAssembly module");
    }

    @Test
    void wrongBinaryVersion() {
        byte[] component = {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00};
        assertThat(loadError(component)).contains("unsupported WebAssembly binary version 13");
    }

    @Test
    void malformedModule() {
        byte[] truncated = wat("");
        byte[] cut = java.util.Arrays.copyOf(truncated, truncated.length / 2);
        assertThat(loadError(cut)).contains("malformed module");
    }

    /** Chicory's parser does not check export indices: an export of a function that does not exist (fuzzing). */
    @Test
    void anExportOfAFunctionTheModuleLacksIsALoadError() {
        byte[] bytes = wat("");
        byte[] name = "proxy_on_memory_allocate".getBytes(StandardCharsets.UTF_8);
        int at = indexOf(bytes, name) + name.length; // then the export's kind (0: function) and index
        assertThat(bytes[at]).isEqualTo((byte) 0);
        bytes[at + 1] = 0x7f; // function 127 of 2
        assertThat(loadError(bytes))
                .isEqualTo(
                        "f.wasm: malformed module: export 2 names function 127, which the " + "module does not have");
        assertThatThrownBy(() -> ModuleInspector.inspect("f.wasm", bytes)).isInstanceOf(ModuleLoadException.class);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    /**
     * A mutated seed filter on which Chicory's parser threw a NullPointerException (found by fuzzing); its local
     * declarations cannot fit its body, which the count check now finds before the parser runs.
     */
    @Test
    void malformedCodeThatBreaksTheParserIsALoadError() throws Exception {
        byte[] bytes;
        try (java.io.InputStream in = getClass()
                .getResourceAsStream("/dev/wasmesh/host/ModuleLoadFuzzTestInputs/load/regression-parser-npe.wasm")) {
            bytes = in.readAllBytes();
        }
        assertThat(loadError(bytes))
                .isEqualTo("f.wasm: malformed module: function body 15 claims 113 local" + " declarations in 15 bytes");
    }

    @Test
    void missingAbiMarkerListsTheProxyExportsFound() {
        byte[] bytes = Wat.compile("(module (memory (export \"memory\") 1)"
                + " (func (export \"proxy_on_memory_allocate\") (param i32) (result i32) (i32.const 0))"
                + " (func (export \"proxy_on_request_headers\") (param i32 i32 i32) (result i32) (i32.const 0)))");
        assertThat(loadError(bytes))
                .contains("missing or unknown proxy-wasm ABI version")
                .contains("proxy_on_memory_allocate, proxy_on_request_headers");
    }

    @Test
    void unknownImportsAreListedAsModuleDotName() {
        byte[] bytes = Wat.compile("(module (import \"env\" \"proxy_teleport\" (func (param i32) (result i32)))"
                + " (import \"custom\" \"thing\" (func))"
                + " (memory (export \"memory\") 1) (func (export \"proxy_abi_version_0_2_1\"))"
                + " (func (export \"proxy_on_memory_allocate\") (param i32) (result i32) (i32.const 0)))");
        assertThat(loadError(bytes)).contains("imports this host does not provide: env.proxy_teleport, custom.thing");
    }

    @Test
    void memoryAndTableImportsAreRefused() {
        byte[] bytes = Wat.compile("(module (import \"env\" \"memory\" (memory 1))"
                + " (import \"env\" \"table\" (table 1 funcref))"
                + " (func (export \"proxy_abi_version_0_2_1\"))"
                + " (func (export \"proxy_on_memory_allocate\") (param i32) (result i32) (i32.const 0)))");
        assertThat(loadError(bytes)).contains("env.memory (memory)").contains("env.table (table)");
    }

    @Test
    void noAllocatorExport() {
        byte[] bytes =
                Wat.compile("(module (memory (export \"memory\") 1)" + " (func (export \"proxy_abi_version_0_2_0\")))");
        assertThat(loadError(bytes))
                .contains("no allocator export")
                .contains("proxy_on_memory_allocate")
                .contains("malloc");
    }

    @Test
    void everyAbiMarkerIsRecognised() throws Exception {
        for (String marker : new String[] {
            "proxy_abi_version_0_1_0", "proxy_abi_version_0_2_0", "proxy_abi_version_0_2_1", "proxy_abi_version_0_x_x"
        }) {
            byte[] bytes = Wat.compile("(module (memory (export \"memory\") 1) (func (export \"" + marker + "\"))"
                    + " (func (export \"malloc\") (param i32) (result i32) (i32.const 0)))");
            assertThat(ProxyWasmModule.fromBytes("f.wasm", bytes, ProxyWasmModule.Engine.INTERPRETER)
                            .abiVersion())
                    .isEqualTo(AbiVersion.ofMarker(marker).orElseThrow());
        }
    }

    @Test
    void filesThatDoNotExistOrAreNotWasm(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> ProxyWasmModule.load(dir.resolve("nope.wasm")))
                .isInstanceOf(ModuleLoadException.class)
                .hasMessageEndingWith("nope.wasm: no such file");
        Path text = Files.writeString(dir.resolve("filter.wasm"), "#!/bin/sh\n");
        assertThatThrownBy(() -> ProxyWasmModule.load(text))
                .isInstanceOf(ModuleLoadException.class)
                .hasMessageStartingWith("filter.wasm: not a WebAssembly module");
    }

    @Test
    void aModuleNeedingMoreMemoryThanTheLimitFailsToInstantiate() throws Exception {
        ProxyWasmModule m = ProxyWasmModule.fromBytes(
                "f.wasm",
                Wat.compile("(module (memory (export \"memory\") 10) (func (export \"proxy_abi_version_0_2_1\"))"
                        + " (func (export \"proxy_on_memory_allocate\") (param i32) (result i32) (i32.const 0)))"));
        PluginConfig config = PluginConfig.builder().memoryLimitPages(4).build();
        assertThatThrownBy(() -> WasmVm.create(m, new HostEnvironment(), config))
                .isInstanceOfSatisfying(WasmFailureException.class, e -> {
                    assertThat(e.failure().kind()).isEqualTo(WasmFailure.Kind.INSTANTIATION);
                    assertThat(e.failure().message())
                            .contains("10 memory pages")
                            .contains("limit is 4");
                });
    }

    /** A module of the header and one section: {@code id}, then {@code content} with its size in front. */
    private static byte[] withSection(int id, int... content) {
        byte[] out = new byte[8 + 2 + content.length];
        System.arraycopy(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0}, 0, out, 0, 8);
        out[8] = (byte) id;
        out[9] = (byte) content.length;
        for (int i = 0; i < content.length; i++) {
            out[10 + i] = (byte) content[i];
        }
        return out;
    }

    @Test
    void countsTheBytesCannotBackAreLoadErrorsBeforeTheParserSizesAnything() {
        // One function type claiming 300 000 000 results (LEB128 80 c6 86 8f 01) in a 9-byte section: this once
        // made the parser allocate over a gigabyte (bench/fuzz/findings/huge-result-count.wasm).
        assertThat(loadError(withSection(1, 1, 0x60, 0, 0x80, 0xc6, 0x86, 0x8f, 0x01)))
                .isEqualTo("f.wasm: malformed module: function type 0 claims 300000000 results, more than its section"
                        + " holds");
        assertThat(loadError(withSection(3, 0xff, 0xff, 0xff, 0xff, 0x0f)))
                .isEqualTo("f.wasm: malformed module: section 3 claims 4294967295 entries in 5 bytes");
        // One body declaring 100 000 i32 locals (a0 8d 06), past the 50 000 that V8 allows.
        assertThat(loadError(withSection(10, 1, 6, 1, 0xa0, 0x8d, 0x06, 0x7f, 0x0b)))
                .isEqualTo("f.wasm: malformed module: function body 0 declares more than 50000 locals");
        assertThat(loadError(withSection(1, 5))).contains("malformed module");
    }
}
