package dev.wasmesh.deploy;

import dev.wasmesh.host.module.ModuleInspector;
import dev.wasmesh.host.module.ModuleLoadException;
import dev.wasmesh.host.module.ModuleReport;
import java.util.List;

/**
 * Refuses a module before it is pushed or deployed if it would not load: the same checks as {@code wasmesh inspect}
 * (WebAssembly 1.0, a proxy-wasm ABI marker, only imports a proxy-wasm host provides, an allocator).
 */
public final class ProxyWasmModuleCheck {
    /** What the check learnt about an accepted module. */
    public record Summary(String abiVersion, List<String> callbacks) {}

    private ProxyWasmModuleCheck() {}

    /**
     * @param what how to name the module in an error, e.g. its file name
     * @throws DeployException naming the first problem found
     */
    public static Summary check(byte[] module, String what) {
        ModuleReport report;
        try {
            report = ModuleInspector.inspect(what, module);
        } catch (ModuleLoadException e) {
            throw new DeployException(e.getMessage());
        }
        if (!report.loadable()) {
            throw new DeployException(what + ": " + report.loadError());
        }
        return new Summary(report.abiVersion(), report.callbacks());
    }
}
