package dev.wasmesh.host.module;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.NameCustomSection;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Guesses which language and SDK produced a module, from what toolchains leave behind. */
final class Toolchains {
    private Toolchains() {}

    static String guess(
            Collection<String> exports,
            List<String> proxyImports,
            List<String> wasiImports,
            List<String> otherImports,
            Map<String, List<String>> producers,
            WasmModule module) {
        String language = producers.getOrDefault("language", List.of()).stream()
                .findFirst()
                .orElse("");
        String processedBy = String.join(", ", producers.getOrDefault("processed-by", List.of()));
        String names = functionNames(module);
        if (exports.contains("__new")
                || exports.contains("__collect")
                || exports.contains("__pin")
                || names.contains("~lib/")
                || hasAssemblyScriptStrings(module)) {
            String sdk = names.contains("@solo-io") || wasiImports.contains("wasi_unstable.proc_exit")
                    ? " (@solo-io/proxy-runtime style SDK)"
                    : "";
            return "AssemblyScript" + sdk;
        }
        if (names.contains("runtime.") && (names.contains("github.com/") || names.contains("main."))) {
            return wasiImports.contains("wasi_snapshot_preview1.poll_oneoff") && names.contains("tinygo")
                    ? "TinyGo"
                    : "Go (wasip1)";
        }
        if (language.startsWith("Rust") || names.contains("_ZN") || names.contains("rust_")) {
            return "Rust" + (processedBy.isEmpty() ? "" : " (" + processedBy + ")");
        }
        if (otherImports.contains("env.emscripten_notify_memory_growth")) {
            return "C++ (Emscripten)";
        }
        if (language.startsWith("C") || processedBy.contains("clang")) {
            return (language.isEmpty() ? "C/C++" : language) + " (" + processedBy + ")";
        }
        if (!processedBy.isEmpty()) {
            return processedBy;
        }
        return "unknown";
    }

    /** AssemblyScript keeps its runtime's source paths ("~lib/...") as UTF-16 strings in data segments. */
    private static boolean hasAssemblyScriptStrings(WasmModule module) {
        byte[] marker = "~lib/".getBytes(StandardCharsets.UTF_16LE);
        for (DataSegment segment : module.dataSection().dataSegments()) {
            byte[] data = segment.data();
            outer:
            for (int i = 0; i + marker.length <= data.length; i++) {
                for (int j = 0; j < marker.length; j++) {
                    if (data[i + j] != marker[j]) {
                        continue outer;
                    }
                }
                return true;
            }
        }
        return false;
    }

    private static String functionNames(WasmModule module) {
        NameCustomSection names = module.nameSection();
        if (names == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        int count = names.functionNameCount();
        int total = module.functionSection().functionCount()
                + module.importSection().count(com.dylibso.chicory.wasm.types.ExternalType.FUNCTION);
        for (int i = 0, found = 0; i < total && found < count && sb.length() < 200_000; i++) {
            String n = names.nameOfFunction(i);
            if (n != null) {
                sb.append(n).append('\n');
                found++;
            }
        }
        return sb.toString();
    }
}
