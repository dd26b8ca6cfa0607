package dev.wasmesh.host.module;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.CustomSection;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.UnknownCustomSection;
import dev.wasmesh.host.abi.AbiVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads a module's proxy-wasm facts without running it, and says whether this host can load it and why not. */
public final class ModuleInspector {
    private ModuleInspector() {}

    /**
     * @throws ModuleLoadException only when the bytes are not a parsable wasm module at all; every other problem is
     *     reported in {@link ModuleReport#loadError()}
     */
    public static ModuleReport inspect(String name, byte[] bytes) throws ModuleLoadException {
        return inspect(name, bytes, ProxyWasmModule.Engine.INTERPRETER);
    }

    /**
     * @param engine what the load check loads the module with: the compiler also proves that the code compiles, and
     *     leaves it in the {@link CodeCache} for the next load
     */
    public static ModuleReport inspect(String name, byte[] bytes, ProxyWasmModule.Engine engine)
            throws ModuleLoadException {
        WasmModule module = ProxyWasmModule.parse(name, bytes);
        Map<String, com.dylibso.chicory.wasm.types.FunctionType> exports =
                ProxyWasmModule.exportedFunctions(name, module);
        String abi = exports.keySet().stream()
                .map(AbiVersion::ofMarker)
                .flatMap(Optional::stream)
                .map(AbiVersion::toString)
                .findFirst()
                .orElse(null);

        List<String> proxy = new ArrayList<>();
        List<String> wasi = new ArrayList<>();
        List<String> other = new ArrayList<>();
        for (int i = 0; i < module.importSection().importCount(); i++) {
            Import imp = module.importSection().getImport(i);
            String full = imp.module() + "." + imp.name();
            if (imp instanceof FunctionImport
                    && imp.module().equals("env")
                    && imp.name().startsWith("proxy_")) {
                proxy.add(imp.name());
            } else if (imp.module().equals("wasi_snapshot_preview1")
                    || imp.module().equals("wasi_unstable")) {
                wasi.add(full);
            } else {
                other.add(full);
            }
        }
        List<String> callbacks = exports.keySet().stream()
                .filter(e -> e.startsWith("proxy_on_"))
                .sorted()
                .toList();

        List<String> start = new ArrayList<>();
        if (module.startSection().isPresent()) {
            start.add("start section");
        }
        if (exports.containsKey("_initialize")) {
            start.add("_initialize");
        } else if (exports.containsKey("_start")) {
            start.add("_start");
        }
        String allocator = exports.containsKey("proxy_on_memory_allocate")
                ? "proxy_on_memory_allocate"
                : exports.containsKey("malloc") ? "malloc" : null;

        int initial = 0;
        int maximum = -1;
        var memories = module.memorySection();
        if (memories.isPresent() && memories.get().memoryCount() > 0) {
            MemoryLimits limits = memories.get().getMemory(0).limits();
            initial = limits.initialPages();
            maximum = limits.maximumPages() >= MemoryLimits.MAX_PAGES ? -1 : limits.maximumPages();
        }

        List<String> sections = new ArrayList<>();
        Map<String, List<String>> producers = new LinkedHashMap<>();
        for (CustomSection s : module.customSections()) {
            sections.add(s.name());
            if (s.name().equals("producers") && s instanceof UnknownCustomSection) {
                producers = Producers.parse(((UnknownCustomSection) s).bytes());
            }
        }

        String loadError = null;
        try {
            ProxyWasmModule.fromBytes(name, bytes, engine);
        } catch (ModuleLoadException e) {
            String m = e.getMessage();
            loadError = m.startsWith(name + ": ") ? m.substring(name.length() + 2) : m;
        }
        return new ModuleReport(
                name,
                bytes.length,
                abi,
                callbacks,
                proxy,
                wasi,
                other,
                ProxyWasmModule.unknownImports(module),
                start.isEmpty() ? "none" : String.join(" + ", start),
                allocator,
                initial,
                maximum,
                sections,
                producers,
                Toolchains.guess(exports.keySet(), proxy, wasi, other, producers, module),
                loadError);
    }

    /** The producers custom section: vec(field name, vec(value name, version)). */
    static final class Producers {
        private Producers() {}

        static Map<String, List<String>> parse(byte[] b) {
            Map<String, List<String>> out = new LinkedHashMap<>();
            int[] pos = {0};
            try {
                long fields = leb(b, pos);
                for (long f = 0; f < fields; f++) {
                    String field = str(b, pos);
                    long values = leb(b, pos);
                    List<String> list = new ArrayList<>();
                    for (long v = 0; v < values; v++) {
                        String value = str(b, pos);
                        String version = str(b, pos);
                        list.add(version.isEmpty() ? value : value + " " + version);
                    }
                    out.put(field, list);
                }
            } catch (IndexOutOfBoundsException e) {
                out.put("malformed", List.of("producers section is truncated"));
            }
            return out;
        }

        private static long leb(byte[] b, int[] pos) {
            long result = 0;
            int shift = 0;
            while (true) {
                byte x = b[pos[0]++];
                result |= (long) (x & 0x7f) << shift;
                if ((x & 0x80) == 0) {
                    return result;
                }
                shift += 7;
            }
        }

        private static String str(byte[] b, int[] pos) {
            int len = (int) leb(b, pos);
            if (pos[0] + len > b.length) {
                throw new IndexOutOfBoundsException();
            }
            String s = new String(b, pos[0], len, StandardCharsets.UTF_8);
            pos[0] += len;
            return s;
        }
    }
}
