package dev.wasmesh.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wasmesh.host.WasmFailure;
import dev.wasmesh.host.WasmFailureException;
import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.host.module.ProxyWasmModule;
import dev.wasmesh.host.stream.Action;
import dev.wasmesh.testsupport.Examples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The harness on the other example filters, loaded in each supported way. */
class ExampleFiltersHarnessTest {
    private static final Map<String, String> REQUEST =
            Map.of(":method", "GET", ":path", "/items?id=7", ":authority", "example.com");

    @ParameterizedTest
    @EnumSource(ProxyWasmModule.Engine.class)
    void seedSetsHelloOnEitherEngine(ProxyWasmModule.Engine engine) {
        try (ProxyWasmHarness h = ProxyWasmHarness.load(Examples.wasm("seed"))
                .engine(engine)
                .rootId("seed")
                .start()) {
            HttpStream s = h.newHttpStream();
            assertThat(s.sendRequestHeaders(REQUEST, true)).isEqualTo(Action.CONTINUE);
            assertThat(s.sendResponseHeaders(Map.of(":status", "200", "hello", "old"), true))
                    .isEqualTo(Action.CONTINUE);
            assertThat(s.responseHeaders().all("hello")).containsExactly("world");
            assertThat(h.vm().module().engine()).isEqualTo(engine);
        }
    }

    @Test
    void rustFromBytes() throws Exception {
        byte[] wasm = Files.readAllBytes(Examples.wasm("rust"));
        try (ProxyWasmHarness h = ProxyWasmHarness.load("rust.wasm", wasm).start()) {
            HttpStream s = h.newHttpStream();
            s.sendRequestHeaders(REQUEST, true);
            s.sendResponseHeaders(Map.of(":status", "200"), true);
            assertThat(s.responseHeaders().toMap())
                    .containsEntry("hello", "world")
                    .containsEntry("x-rust", "yes");
        }
    }

    @Test
    void asSoloReadsItsPluginConfiguration() {
        try (ProxyWasmHarness h = ProxyWasmHarness.load(Examples.wasm("as-solo"))
                .rootId("as_solo")
                .pluginConfig("cfg-1")
                .logLevel(LogLevel.DEBUG)
                .start()) {
            assertThat(h.logs().messages(LogLevel.INFO)).contains("as-solo configured: cfg-1");
            assertThat(h.logs().messages(LogLevel.DEBUG)).isNotEmpty();
            HttpStream s = h.newHttpStream();
            s.sendRequestHeaders(REQUEST, true);
            s.sendResponseHeaders(Map.of(":status", "200"), true);
            assertThat(s.responseHeaders().first("x-as-config")).isEqualTo("cfg-1");
            assertThat(h.logs().contains(LogLevel.INFO, "as-solo: response headers done"))
                    .isTrue();
        }
    }

    @Test
    void asSoloDropsDebugLogsAtInfoLevel() {
        try (ProxyWasmHarness h = ProxyWasmHarness.load(Examples.wasm("as-solo"))
                .rootId("as_solo")
                .pluginConfig("x")
                .start()) {
            assertThat(h.logs().messages(LogLevel.DEBUG)).isEmpty();
        }
    }

    @Test
    void asSoloWithAnotherRootIdFailsToStart() {
        assertThatThrownBy(() -> ProxyWasmHarness.load(Examples.wasm("as-solo"))
                        .rootId("other")
                        .start())
                .isInstanceOfSatisfying(
                        PluginStartException.class,
                        e -> assertThat(e.failure().kind()).isEqualTo(WasmFailure.Kind.TRAP));
    }

    @Test
    void asGcoreLogsThroughStdout() {
        try (ProxyWasmHarness h =
                ProxyWasmHarness.load(Examples.wasm("as-gcore")).start()) {
            HttpStream s = h.newHttpStream();
            s.sendRequestHeaders(REQUEST, true);
            s.sendResponseHeaders(Map.of(":status", "200"), true);
            assertThat(s.responseHeaders().first("x-as-gcore")).isEqualTo("/items?id=7");
            assertThat(h.logs().messages(LogLevel.INFO)).contains("[INFO]: as-gcore: response for /items?id=7");
        }
    }

    @Test
    void asGcoreAbortsWhenItsRootContextIsShutDown() {
        // The SDK looks the root context up in its stream-context map in proxy_on_done and aborts (proc_exit).
        try (ProxyWasmHarness h =
                ProxyWasmHarness.load(Examples.wasm("as-gcore")).start()) {
            assertThatThrownBy(h::shutdown)
                    .isInstanceOf(WasmFailureException.class)
                    .hasMessageContaining("proxy_on_done");
            assertThat(h.failed()).isTrue();
            assertThat(h.failure().orElseThrow().message()).contains("proc_exit(255)");
        }
    }

    @Test
    void notAModuleIsAOneLineLoadError(@TempDir Path dir) throws Exception {
        Path bogus = dir.resolve("bogus.wasm");
        Files.writeString(bogus, "hello");
        assertThatThrownBy(() -> ProxyWasmHarness.load(bogus).start())
                .isInstanceOf(FilterLoadException.class)
                .hasMessageContaining("bogus.wasm")
                .hasMessageContaining("not a WebAssembly module");
        assertThatThrownBy(
                        () -> ProxyWasmHarness.load(dir.resolve("missing.wasm")).start())
                .isInstanceOf(FilterLoadException.class)
                .hasMessageContaining("no such file");
    }
}
