package dev.wasmesh.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.wasmesh.host.module.ModuleLoadException;
import dev.wasmesh.host.module.ProxyWasmModule;
import dev.wasmesh.host.stream.Body;
import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.testsupport.Wat;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Coverage-guided fuzzing of module loading, from any bytes and from mutations of valid proxy-wasm modules (the
 * seeds: hand-written WAT under {@code wat/fuzz/} and the seed example). Loading either gives a module or a
 * {@link ModuleLoadException} with a one-line message naming the file; a module that loads is instantiated and
 * taken through a root context and one HTTP stream, where the only failure allowed is a {@link
 * WasmFailureException}. Any other exception, an Error or a hang is a finding. The seed corpus runs with the tests;
 * see docs/fuzzing.md for long runs.
 */
class ModuleLoadFuzzTest {
    /** 2 MiB of memory and 100 ms per callback: a mutated module must not make the run slow. */
    private static final PluginConfig CONFIG = PluginConfig.builder()
            .name("fuzz")
            .rootId("fuzz")
            .vmId("fuzz")
            .memoryLimitPages(32)
            .callbackDeadline(Duration.ofMillis(100))
            .build();

    @FuzzTest(maxDuration = "30s")
    void load(byte[] bytes) {
        ProxyWasmModule module;
        try {
            module = ProxyWasmModule.fromBytes("fuzz.wasm", bytes);
        } catch (ModuleLoadException e) {
            assertThat(e.getMessage()).startsWith("fuzz.wasm: ").doesNotContain("\n");
            return;
        }
        HostEnvironment env = new HostEnvironment().logSink((level, plugin, message) -> {});
        try {
            WasmVm vm = WasmVm.create(module, env, CONFIG);
            HttpContext http = vm.createRootContext(CONFIG).newHttpContext();
            http.onRequestHeaders(HeaderMap.of(":method", "GET", ":path", "/", ":authority", "fuzz"), true);
            http.onResponseHeaders(HeaderMap.of(":status", "200"), false);
            http.onResponseBody(Body.of("body"), true);
            http.finish();
        } catch (WasmFailureException e) {
            assertThat(e.getMessage()).doesNotContain("\n");
        }
    }

    /** The committed binary seeds are what their WAT sources compile to. */
    @ParameterizedTest
    @ValueSource(strings = {"minimal", "headers", "start-and-init"})
    void seedsMatchTheirSources(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("ModuleLoadFuzzTestInputs/load/" + name + ".wasm")) {
            assertThat(in).as(name + ".wasm").isNotNull();
            assertThat(in.readAllBytes()).isEqualTo(Wat.compile(WatFixtures.fixture("fuzz/" + name)));
        }
    }
}
