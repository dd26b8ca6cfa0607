package dev.wasmesh.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wasmesh.host.WasmFailure;
import dev.wasmesh.host.WasmFailureException;
import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.testsupport.Wat;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What no example filter exercises: proxy_on_foreign_function and a trap inside a stream callback. */
class HandWrittenModuleTest {
    private static final String WAT = """
            (module
              (import "env" "proxy_log" (func $log (param i32 i32 i32) (result i32)))
              (import "env" "proxy_get_buffer_bytes" (func $buf (param i32 i32 i32 i32 i32) (result i32)))
              (memory (export "memory") 2)
              (global $heap (mut i32) (i32.const 1024))
              (func (export "proxy_abi_version_0_2_1"))
              (func (export "proxy_on_memory_allocate") (param $n i32) (result i32) (local $p i32)
                (local.set $p (global.get $heap))
                (global.set $heap (i32.add (global.get $heap) (local.get $n)))
                (local.get $p))
              (func (export "proxy_on_context_create") (param i32 i32))
              (func (export "proxy_on_vm_start") (param i32 i32) (result i32) (i32.const 1))
              (func (export "proxy_on_configure") (param i32 i32) (result i32) (i32.const 1))
              ;; logs the foreign-function arguments at INFO
              (func (export "proxy_on_foreign_function") (param $root i32) (param $id i32) (param $size i32)
                (drop (call $buf (i32.const 8) (i32.const 0) (local.get $size) (i32.const 16) (i32.const 20)))
                (drop (call $log (i32.const 2) (i32.load (i32.const 16)) (i32.load (i32.const 20)))))
              (func (export "proxy_on_request_headers") (param i32 i32 i32) (result i32) unreachable))
            """;

    private static ProxyWasmHarness start() {
        return ProxyWasmHarness.load("hand.wasm", Wat.compile(WAT)).start();
    }

    @Test
    void foreignFunctionCallbackReadsItsArguments() {
        try (ProxyWasmHarness h = start()) {
            h.callForeignFunction(7, "args-from-host".getBytes(StandardCharsets.UTF_8));
            assertThat(h.logs().messages(LogLevel.INFO)).containsExactly("args-from-host");
        }
    }

    @Test
    void trapFailsTheStreamAndThePlugin() {
        try (ProxyWasmHarness h = start()) {
            HttpStream s = h.newHttpStream();
            assertThatThrownBy(() -> s.sendRequestHeaders(Map.of(":path", "/"), true))
                    .isInstanceOf(WasmFailureException.class)
                    .hasMessageContaining("proxy_on_request_headers");
            assertThat(h.failed()).isTrue();
            WasmFailure f = h.failure().orElseThrow();
            assertThat(f.kind()).isEqualTo(WasmFailure.Kind.TRAP);
            assertThat(h.logs().messages(LogLevel.CRITICAL))
                    .singleElement()
                    .asString()
                    .contains("proxy_on_request_headers");
            assertThatThrownBy(h::newHttpStream).isInstanceOf(WasmFailureException.class);
        }
    }
}
