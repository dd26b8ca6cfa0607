package dev.wasmesh.host.module;

import java.util.List;
import java.util.Map;

/**
 * What {@link ModuleInspector} found in a module: everything `wasmesh inspect` prints, and the verdict.
 *
 * @param abiVersion the ABI from the marker export, or null if there is none
 * @param callbacks exported proxy_on_* callbacks
 * @param proxyImports imports from env.proxy_*
 * @param wasiImports imports from wasi_snapshot_preview1 / wasi_unstable
 * @param otherImports any other imports
 * @param missingImports imports this host does not provide
 * @param startFunction how start-up runs: "start section", "_initialize", "_start", or combinations
 * @param allocator proxy_on_memory_allocate, malloc, or null
 * @param memoryPages initial and maximum pages of linear memory (maximum -1 when unbounded)
 * @param producers the producers section (language, processed-by, sdk), if present
 * @param toolchain a best guess of the source language and SDK
 * @param loadError why the module cannot run here, or null when it loads
 */
public record ModuleReport(
        String name,
        int sizeBytes,
        String abiVersion,
        List<String> callbacks,
        List<String> proxyImports,
        List<String> wasiImports,
        List<String> otherImports,
        List<String> missingImports,
        String startFunction,
        String allocator,
        int initialMemoryPages,
        int maximumMemoryPages,
        List<String> customSections,
        Map<String, List<String>> producers,
        String toolchain,
        String loadError) {

    public boolean loadable() {
        return loadError == null;
    }

    /** The one-line verdict. */
    public String verdict() {
        return loadable() ? "loadable here (proxy-wasm ABI " + abiVersion + ")" : "not loadable here: " + loadError;
    }
}
