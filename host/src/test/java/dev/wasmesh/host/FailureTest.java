package dev.wasmesh.host;

import static dev.wasmesh.host.Probe.Cb.CONFIGURE;
import static dev.wasmesh.host.Probe.Cb.REQUEST_HEADERS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.wasmesh.host.abi.AbiVersion;
import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.host.internal.HeaderPairs;
import dev.wasmesh.host.module.ProxyWasmModule;
import dev.wasmesh.host.stream.HeaderMap;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FailureTest {
    private static Probe probe(ProxyWasmModule.Engine engine, PluginConfig config) {
        return Probe.create(engine, AbiVersion.V0_2_1, config, new HostEnvironment(), new WasmVm.Options());
    }

    private static PluginConfig config() {
        return Probe.plugin("probe").toBuilder()
                .callbackDeadline(Duration.ofMillis(100))
                .build();
    }

    @ParameterizedTest
    @EnumSource(ProxyWasmModule.Engine.class)
    void aTrapFailsTheVmWithTheCallbackAndWasmStack(ProxyWasmModule.Engine engine) {
        Probe p = probe(engine, config());
        HttpContext http = p.vm.createRootContext(config()).newHttpContext();
        p.on(REQUEST_HEADERS, p.call(Probe.Op.TRAP));
        WasmFailureException e = catchThrowableOfType(
                WasmFailureException.class, () -> http.onRequestHeaders(HeaderMap.of(":path", "/"), true));
        assertThat(e.failure().kind()).isEqualTo(WasmFailure.Kind.TRAP);
        assertThat(e.failure().callback()).isEqualTo("proxy_on_request_headers");
        if (engine == ProxyWasmModule.Engine.COMPILER) {
            assertThat(e.failure().wasmStack())
                    .startsWith("trap_inner", "trap_outer", "exec", "enter", "on_request_headers");
        }
        assertThat(e.getMessage()).contains("proxy_on_request_headers");
        assertThat(p.vm.failed()).isTrue();
        assertThat(p.messages(LogLevel.CRITICAL)).singleElement().asString().contains("wasm trap");

        // The VM stays failed: every later entry point throws the same failure and runs no guest code.
        int events = p.events().size();
        assertThatThrownBy(() -> http.onResponseHeaders(HeaderMap.of(":status", "200"), true))
                .isInstanceOfSatisfying(
                        WasmFailureException.class, f -> assertThat(f.failure()).isSameAs(e.failure()));
        assertThatThrownBy(() -> p.vm.createRootContext(Probe.plugin("other")))
                .isInstanceOf(WasmFailureException.class);
        http.finish(); // safe after a failure
        assertThat(p.events()).hasSize(events);
    }

    @ParameterizedTest
    @EnumSource(ProxyWasmModule.Engine.class)
    void anInfiniteLoopHitsTheDeadlineAndTheInterruptFlagIsCleared(ProxyWasmModule.Engine engine) {
        Probe p = probe(engine, config());
        p.on(CONFIGURE, p.call(Probe.Op.SPIN));
        long start = System.nanoTime();
        WasmFailureException e =
                catchThrowableOfType(WasmFailureException.class, () -> p.vm.createRootContext(config()));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
        assertThat(e.failure().kind()).isEqualTo(WasmFailure.Kind.DEADLINE);
        assertThat(e.failure().callback()).isEqualTo("proxy_on_configure");
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(ProxyWasmModule.Engine.class)
    void memoryCannotGrowPastTheLimit(ProxyWasmModule.Engine engine) {
        PluginConfig limited = config().toBuilder().memoryLimitPages(5).build();
        Probe p = probe(engine, limited);
        Probe.Step fits = p.call(Probe.Op.MEMORY_GROW, 2);
        Probe.Step tooMuch = p.call(Probe.Op.MEMORY_GROW, 1);
        Probe.Step size = p.call(Probe.Op.MEMORY_SIZE);
        p.on(CONFIGURE, fits, tooMuch, size);
        p.vm.createRootContext(limited);
        assertThat(fits.result()).isEqualTo(3); // the probe starts with 3 pages
        assertThat(tooMuch.result()).isEqualTo(-1);
        assertThat(size.result()).isEqualTo(5);
        assertThat(p.vm.failed()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(ProxyWasmModule.Engine.class)
    void stackExhaustionAndOutOfBoundsAccessAreTraps(ProxyWasmModule.Engine engine) {
        // No deadline: exhausting the stack takes a while on a loaded machine, and must end as a trap regardless.
        PluginConfig noDeadline =
                config().toBuilder().callbackDeadline(Duration.ZERO).build();
        for (Probe.Op op : new Probe.Op[] {Probe.Op.RECURSE, Probe.Op.LOAD_OUT_OF_BOUNDS}) {
            Probe p = probe(engine, noDeadline);
            p.on(CONFIGURE, p.call(op));
            assertThatThrownBy(() -> p.vm.createRootContext(noDeadline))
                    .isInstanceOfSatisfying(
                            WasmFailureException.class,
                            e -> assertThat(e.failure().kind()).isEqualTo(WasmFailure.Kind.TRAP));
        }
    }

    @ParameterizedTest
    @EnumSource(ProxyWasmModule.Engine.class)
    void procExitInACallbackIsATrap(ProxyWasmModule.Engine engine) {
        Probe p = probe(engine, config());
        p.on(CONFIGURE, p.call(Probe.Op.WASI_PROC_EXIT, 3));
        assertThatThrownBy(() -> p.vm.createRootContext(config()))
                .isInstanceOfSatisfying(WasmFailureException.class, e -> {
                    assertThat(e.failure().kind()).isEqualTo(WasmFailure.Kind.TRAP);
                    assertThat(e.failure().message()).isEqualTo("proc_exit(3)");
                });
    }

    @ParameterizedTest
    @EnumSource(ProxyWasmModule.Engine.class)
    void vmStartOrConfigureReturningFalseFailTheVm(ProxyWasmModule.Engine engine) {
        Probe start = probe(engine, config());
        start.returns(Probe.Cb.VM_START, 0);
        assertThatThrownBy(() -> start.vm.createRootContext(config()))
                .isInstanceOfSatisfying(
                        WasmFailureException.class,
                        e -> assertThat(e.failure().kind()).isEqualTo(WasmFailure.Kind.START_FAILED));
        assertThat(start.callbacks()).doesNotContain(CONFIGURE);

        Probe configure = probe(engine, config());
        configure.returns(CONFIGURE, 0);
        assertThatThrownBy(() -> configure.vm.createRootContext(
                        config().toBuilder().pluginConfiguration("bad").build()))
                .isInstanceOfSatisfying(WasmFailureException.class, e -> {
                    assertThat(e.failure().kind()).isEqualTo(WasmFailure.Kind.CONFIGURE_FAILED);
                    assertThat(e.failure().message()).contains("'bad'");
                });
        assertThat(configure.vm.failed()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(ProxyWasmModule.Engine.class)
    void aTrapInACalloutCallbackSurfacesFromRunPending(ProxyWasmModule.Engine engine) {
        RecordingTransport transport = new RecordingTransport("c");
        Probe p = Probe.create(
                engine, AbiVersion.V0_2_1, config(), new HostEnvironment().transport(transport), new WasmVm.Options());
        RootContext root = p.vm.createRootContext(config());
        p.on(
                Probe.Cb.TICK,
                p.call(
                        Probe.Op.PROXY_HTTP_CALL,
                        p.str("c"),
                        p.bytes(HeaderPairs.encode(HeaderMap.of(":method", "GET", ":path", "/", ":authority", "c"))),
                        p.str(""),
                        p.str(""),
                        100,
                        p.out(4)));
        root.tick();
        p.on(Probe.Cb.HTTP_CALL_RESPONSE, p.call(Probe.Op.TRAP));
        transport.lastHttp().respond(HeaderMap.of(":status", "200"), new byte[0], new HeaderMap());
        assertThatThrownBy(p.vm::runPending)
                .isInstanceOfSatisfying(
                        WasmFailureException.class,
                        e -> assertThat(e.failure().callback()).isEqualTo("proxy_on_http_call_response"));
    }
}
