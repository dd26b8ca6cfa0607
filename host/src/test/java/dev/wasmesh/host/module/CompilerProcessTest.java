package dev.wasmesh.host.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wasmesh.host.HostEnvironment;
import dev.wasmesh.host.HttpContext;
import dev.wasmesh.host.PluginConfig;
import dev.wasmesh.host.WasmVm;
import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.testsupport.Examples;
import dev.wasmesh.testsupport.WasmBinary;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Large modules missing from the cache are compiled by another JVM; whatever fails there is done here instead. */
class CompilerProcessTest {
    @TempDir
    Path dir;

    private String before;

    @BeforeEach
    void turnOn() {
        before = System.setProperty(CompilerProcess.PROPERTY, "true");
    }

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(CompilerProcess.PROPERTY);
        } else {
            System.setProperty(CompilerProcess.PROPERTY, before);
        }
    }

    /** The seed filter with a custom section that makes it as large as a module that is compiled apart. */
    private static byte[] largeSeed() throws Exception {
        byte[] seed = Files.readAllBytes(Examples.wasm("seed"));
        return WasmBinary.withCustomSection(seed, "padding", new byte[CompilerProcess.MIN_BYTES]);
    }

    @Test
    void aLargeModuleIsCompiledByAnotherJvmAndItsCodeTakenFromTheCache() throws Exception {
        byte[] module = largeSeed();
        CodeCache cache = new CodeCache(dir);

        ProxyWasmModule loaded =
                ProxyWasmModule.fromBytes("large.wasm", module, ProxyWasmModule.Engine.COMPILER, cache);

        assertThat(loaded.codeFromCache()).isTrue();
        assertThat(loaded.bodyInstructions()).isZero();
        assertThat(cache.entryFile(CodeCache.sha256Hex(module))).isRegularFile();
        PluginConfig config = PluginConfig.builder().name("seed").rootId("seed").build();
        HttpContext http = WasmVm.create(loaded, new HostEnvironment(), config)
                .createRootContext(config)
                .newHttpContext();
        HeaderMap response = HeaderMap.of(":status", "200");
        http.onResponseHeaders(response, true);
        http.finish();
        assertThat(response.all("hello")).containsExactly("world");
    }

    @Test
    void aSmallModuleIsCompiledHere() throws Exception {
        byte[] seed = Files.readAllBytes(Examples.wasm("seed"));
        ProxyWasmModule loaded =
                ProxyWasmModule.fromBytes("seed.wasm", seed, ProxyWasmModule.Engine.COMPILER, new CodeCache(dir));
        assertThat(loaded.codeFromCache()).isFalse();
    }

    @Test
    void whenTheOtherJvmCannotCompileTheModuleTheErrorComesFromHere() throws Exception {
        byte[] module = largeSeed();
        // A function section that says 200 functions: no code section matches it.
        byte[] broken = new byte[module.length + 3];
        System.arraycopy(module, 0, broken, 0, module.length);
        broken[module.length] = 3;
        broken[module.length + 1] = 1;
        broken[module.length + 2] = (byte) 200;
        CodeCache cache = new CodeCache(dir);

        assertThatThrownBy(
                        () -> ProxyWasmModule.fromBytes("broken.wasm", broken, ProxyWasmModule.Engine.COMPILER, cache))
                .isInstanceOf(ModuleLoadException.class)
                .hasMessageStartingWith("broken.wasm: malformed module: ");
        assertThat(cache.entries()).isEmpty();
    }
}
