package dev.wasmesh.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wasmesh.host.abi.AbiVersion;
import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.host.module.ProxyWasmModule;
import dev.wasmesh.host.stream.Action;
import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.testsupport.Examples;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The seed, Rust and AssemblyScript example filters, as examples/README.md describes them, on both engines. */
class SdkExamplesTest {
    private final List<Probe.LogLine> logs = new CopyOnWriteArrayList<>();
    private final HostEnvironment env =
            new HostEnvironment().logSink((level, plugin, message) -> logs.add(new Probe.LogLine(level, message)));

    private HttpContext start(String example, ProxyWasmModule.Engine engine, PluginConfig config) throws Exception {
        ProxyWasmModule module = ProxyWasmModule.load(Examples.wasm(example), engine);
        WasmVm vm = WasmVm.create(module, env, config);
        return vm.createRootContext(config).newHttpContext();
    }

    private static PluginConfig config(String rootId) {
        return PluginConfig.builder()
                .name(rootId)
                .rootId(rootId)
                .logLevel(LogLevel.TRACE)
                .build();
    }

    private static HeaderMap response() {
        return HeaderMap.of(":status", "200", "hello", "old", "hello", "older");
    }

    private List<String> messages(LogLevel level) {
        return logs.stream()
                .filter(l -> l.level() == level)
                .map(Probe.LogLine::message)
                .toList();
    }

    @ParameterizedTest
    @EnumSource(ProxyWasmModule.Engine.class)
    void seed(ProxyWasmModule.Engine engine) throws Exception {
        HttpContext http = start("seed", engine, config("seed"));
        assertThat(http.vm().module().abiVersion()).isEqualTo(AbiVersion.V0_2_1);
        assertThat(http.onRequestHeaders(HeaderMap.of(":path", "/"), true)).isEqualTo(Action.CONTINUE);
        HeaderMap response = response();
        assertThat(http.onResponseHeaders(response, true)).isEqualTo(Action.CONTINUE);
        http.finish();
        assertThat(response.all("hello")).containsExactly("world");
        assertThat(http.vm().liveContexts()).isEqualTo(1);
        assertThat(messages(LogLevel.CRITICAL)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ProxyWasmModule.Engine.class)
    void rust(ProxyWasmModule.Engine engine) throws Exception {
        HttpContext http = start("rust", engine, config("rust"));
        assertThat(http.vm().module().abiVersion()).isEqualTo(AbiVersion.V0_2_1);
        http.onRequestHeaders(HeaderMap.of(":path", "/"), true);
        HeaderMap response = response();
        assertThat(http.onResponseHeaders(response, true)).isEqualTo(Action.CONTINUE);
        http.finish();
        assertThat(response.all("hello")).containsExactly("world");
        assertThat(response.get("x-rust")).contains("yes");
        assertThat(messages(LogLevel.ERROR)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ProxyWasmModule.Engine.class)
    void assemblyScriptSolo(ProxyWasmModule.Engine engine) throws Exception {
        PluginConfig config =
                config("as_solo").toBuilder().pluginConfiguration("solo-cfg").build();
        HttpContext http = start("as-solo", engine, config);
        ProxyWasmModule module = http.vm().module();
        assertThat(module.abiVersion()).isEqualTo(AbiVersion.V0_2_0);
        assertThat(module.exportsFunction("malloc")).isTrue();
        assertThat(module.exportsFunction("proxy_on_memory_allocate")).isFalse();
        assertThat(module.exportsFunction("proxy_on_grpc_trailing_metadata")).isTrue();
        assertThat(messages(LogLevel.INFO)).contains("as-solo configured: solo-cfg");
        assertThat(messages(LogLevel.DEBUG)).isNotEmpty();

        assertThat(http.onRequestHeaders(HeaderMap.of(":path", "/"), true)).isEqualTo(Action.CONTINUE);
        HeaderMap response = response();
        assertThat(http.onResponseHeaders(response, true)).isEqualTo(Action.CONTINUE);
        http.finish();
        assertThat(response.all("hello")).containsExactly("world");
        assertThat(response.get("x-as-config")).contains("solo-cfg");
        assertThat(messages(LogLevel.INFO)).contains("as-solo: response headers done");
    }

    @ParameterizedTest
    @EnumSource(ProxyWasmModule.Engine.class)
    void assemblyScriptSoloAbortsUnderAnotherRootId(ProxyWasmModule.Engine engine) throws Exception {
        ProxyWasmModule module = ProxyWasmModule.load(Examples.wasm("as-solo"), engine);
        WasmVm vm = WasmVm.create(module, env, config("other"));
        assertThatThrownBy(() -> vm.createRootContext(config("other")))
                .isInstanceOfSatisfying(WasmFailureException.class, e -> {
                    assertThat(e.failure().kind()).isEqualTo(WasmFailure.Kind.TRAP);
                    assertThat(e.failure().callback()).isEqualTo("proxy_on_context_create");
                });
    }

    @ParameterizedTest
    @EnumSource(ProxyWasmModule.Engine.class)
    void assemblyScriptGcore(ProxyWasmModule.Engine engine) throws Exception {
        HttpContext http = start("as-gcore", engine, config("ignored"));
        assertThat(http.vm().module().abiVersion()).isEqualTo(AbiVersion.V0_2_1);
        assertThat(http.vm().module().exportsFunction("_start")).isTrue();
        assertThat(http.onRequestHeaders(HeaderMap.of(":path", "/p?q=1"), true)).isEqualTo(Action.CONTINUE);
        HeaderMap response = response();
        assertThat(http.onResponseHeaders(response, true)).isEqualTo(Action.CONTINUE);
        http.finish();
        assertThat(response.all("hello")).containsExactly("world");
        assertThat(response.get("x-as-gcore")).contains("/p?q=1");
        assertThat(messages(LogLevel.INFO)).contains("[INFO]: as-gcore: response for /p?q=1");
    }
}
