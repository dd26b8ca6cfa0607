package dev.wasmesh.host;

import dev.wasmesh.host.module.ModuleLoadException;
import dev.wasmesh.host.module.ProxyWasmModule;
import dev.wasmesh.testsupport.Wat;

/** The host tests' WAT fixtures ({@code src/test/resources/wat}), as text and as loaded modules. */
final class WatFixtures {
    private WatFixtures() {}

    /** The text of {@code src/test/resources/wat/<name>.wat}. */
    static String fixture(String name) {
        return Wat.resource(WatFixtures.class, "/wat/" + name + ".wat");
    }

    static ProxyWasmModule module(String wat, ProxyWasmModule.Engine engine) {
        try {
            return ProxyWasmModule.fromBytes("test.wasm", Wat.compile(wat), engine);
        } catch (ModuleLoadException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }
}
