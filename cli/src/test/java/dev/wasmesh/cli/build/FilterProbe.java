package dev.wasmesh.cli.build;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Drives a built filter through one request and response on Chicory with a stand-in host, to show
 * that a generated project really is the seed filter: `hello: world` on response headers, a
 * critical log when the host refuses. Every other import answers OK with zeros.
 */
final class FilterProbe {
    private static final int MAP_RESPONSE_HEADERS = 2;
    private static final int LOG_CRITICAL = 5;
    private static final int STATUS_BAD_ARGUMENT = 2;

    /** What the filter did: header writes as "map:key=value", critical log messages, and its return values. */
    record Outcome(List<String> headerWrites, List<String> criticalLogs, long requestAction, long responseAction) {}

    private final String rootId;
    private final boolean hostRefusesHeaders;
    private final List<String> headerWrites = new ArrayList<>();
    private final List<String> criticalLogs = new ArrayList<>();

    private FilterProbe(String rootId, boolean hostRefusesHeaders) {
        this.rootId = rootId;
        this.hostRefusesHeaders = hostRefusesHeaders;
    }

    static Outcome respond(Path wasm, String rootId, boolean hostRefusesHeaders) {
        return new FilterProbe(rootId, hostRefusesHeaders).run(Parser.parse(wasm));
    }

    private Outcome run(WasmModule module) {
        List<ImportFunction> functions = new ArrayList<>();
        for (int i = 0; i < module.importSection().importCount(); i++) {
            Import imported = module.importSection().getImport(i);
            if (imported.importType() == ExternalType.FUNCTION) {
                FunctionType type = module.typeSection().getType(((FunctionImport) imported).typeIndex());
                functions.add(host(imported.module(), imported.name(), type));
            }
        }
        Instance instance = Instance.builder(module)
                .withStart(false)
                .withImportValues(
                        ImportValues.builder().withFunctions(functions).build())
                .build();
        Set<String> exports = IntStream.range(0, module.exportSection().exportCount())
                .mapToObj(i -> module.exportSection().getExport(i).name())
                .collect(Collectors.toSet());
        instance.export(exports.contains("_initialize") ? "_initialize" : "_start")
                .apply();
        instance.export("proxy_on_context_create").apply(1, 0);
        instance.export("proxy_on_vm_start").apply(1, 0);
        instance.export("proxy_on_configure").apply(1, 0);
        instance.export("proxy_on_context_create").apply(2, 1);
        long request = instance.export("proxy_on_request_headers").apply(2, 3, 1)[0];
        long response = instance.export("proxy_on_response_headers").apply(2, 1, 1)[0];
        return new Outcome(List.copyOf(headerWrites), List.copyOf(criticalLogs), request, response);
    }

    private HostFunction host(String module, String name, FunctionType type) {
        return new HostFunction(module, name, type, (instance, args) -> {
            long result = call(instance, name, args);
            return type.returns().isEmpty() ? null : new long[] {result};
        });
    }

    private long call(Instance instance, String name, long[] args) {
        switch (name) {
            case "proxy_replace_header_map_value", "proxy_add_header_map_value" -> {
                if (hostRefusesHeaders) {
                    return STATUS_BAD_ARGUMENT;
                }
                headerWrites.add(
                        args[0] + ":" + string(instance, args[1], args[2]) + "=" + string(instance, args[3], args[4]));
                return 0;
            }
            case "proxy_log" -> {
                if (args[0] == LOG_CRITICAL) {
                    criticalLogs.add(string(instance, args[1], args[2]));
                }
                return 0;
            }
            case "proxy_get_property" -> {
                // The AssemblyScript and C++ SDKs look up their root context by this property.
                if (!string(instance, args[0], args[1]).equals("plugin_root_id")) {
                    return 1;
                }
                byte[] value = rootId.getBytes(StandardCharsets.UTF_8);
                String allocator =
                        hasExport(instance, "proxy_on_memory_allocate") ? "proxy_on_memory_allocate" : "malloc";
                int pointer = (int) instance.export(allocator).apply(value.length)[0];
                instance.memory().write(pointer, value);
                instance.memory().writeI32((int) args[2], pointer);
                instance.memory().writeI32((int) args[3], value.length);
                return 0;
            }
            case "fd_write" -> {
                int total = 0;
                for (int i = 0; i < args[2]; i++) {
                    total += instance.memory().readInt((int) args[1] + 8 * i + 4);
                }
                instance.memory().writeI32((int) args[3], total);
                return 0;
            }
            case "proc_exit" -> throw new IllegalStateException("the filter called proc_exit(" + args[0] + ")");
            default -> {
                return 0;
            }
        }
    }

    private static boolean hasExport(Instance instance, String name) {
        WasmModule module = instance.module();
        return IntStream.range(0, module.exportSection().exportCount())
                .anyMatch(i -> module.exportSection().getExport(i).name().equals(name));
    }

    private static String string(Instance instance, long pointer, long length) {
        return instance.memory().readString((int) pointer, (int) length);
    }
}
