package dev.wasmesh.host.internal.functions;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import dev.wasmesh.host.WasmVm;
import dev.wasmesh.host.abi.AbiException;
import dev.wasmesh.host.abi.Status;
import dev.wasmesh.host.internal.GuestMemory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Binds the host side of the ABI to a VM: every proxy-wasm function (0.1.0 to 0.2.1), WASI under both of its module
 * names, and the few extras SDKs import. The groups live in their own classes; this one owns the import table.
 */
public final class HostFunctions {
    /** The body of an ABI function: takes the raw arguments, returns a status (AbiException for errors). */
    @FunctionalInterface
    interface Impl {
        int run(long[] args);
    }

    // The types of the i32-only functions, by parameter count; shared by every VM since FunctionType is immutable.
    private static final FunctionType[] I32_TYPES = new FunctionType[13];

    static {
        for (int n = 0; n < I32_TYPES.length; n++) {
            ValType[] p = new ValType[n];
            Arrays.fill(p, ValType.I32);
            I32_TYPES[n] = FunctionType.of(p, new ValType[] {ValType.I32});
        }
    }

    // After I32_TYPES, which building the functions needs.
    private static final Set<String> PROVIDED =
            create(null, null).stream().map(f -> key(f.module(), f.name())).collect(Collectors.toUnmodifiableSet());

    private final String module;
    private final Set<String> wanted;
    private final List<ImportFunction> functions = new ArrayList<>();

    /** @param wanted the {@link #key}s of the functions to build, or null for all of them */
    HostFunctions(String module, Set<String> wanted) {
        this.module = module;
        this.wanted = wanted;
    }

    public static String key(String module, String name) {
        return module + "\0" + name;
    }

    public static boolean provides(String module, String name) {
        return PROVIDED.contains(key(module, name));
    }

    /**
     * The host functions for one VM. Only the {@code wanted} ones (a module's imports, as {@link #key}s) are built,
     * since instantiating all of them (about a hundred) was a quarter of a small filter's start-up; null builds all.
     */
    public static List<ImportFunction> create(WasmVm vm, Set<String> wanted) {
        List<ImportFunction> all = new ArrayList<>();
        all.addAll(new ProxyFunctions(vm, wanted).functions());
        all.addAll(new WasiFunctions(vm, "wasi_snapshot_preview1", wanted).functions());
        all.addAll(new WasiFunctions(vm, "wasi_unstable", wanted).functions());
        if (wanted == null || wanted.contains(key("env", "emscripten_notify_memory_growth"))) {
            // Emscripten builds report memory growth; nothing to do since memory is read fresh on every access.
            all.add(new HostFunction(
                    "env",
                    "emscripten_notify_memory_growth",
                    FunctionType.of(List.of(ValType.I32), List.of()),
                    (inst, args) -> null));
        }
        return all;
    }

    /** A function of {@code params} i32 parameters returning an i32 status. */
    void add(String name, int params, Impl impl) {
        if (wants(name)) {
            functions.add(function(name, I32_TYPES[params], impl));
        }
    }

    /** A function with explicit parameter types returning an i32 status. */
    void add(String name, ValType[] params, Impl impl) {
        if (wants(name)) {
            functions.add(function(name, FunctionType.of(params, new ValType[] {ValType.I32}), impl));
        }
    }

    private boolean wants(String name) {
        return wanted == null || wanted.contains(key(module, name));
    }

    private HostFunction function(String name, FunctionType type, Impl impl) {
        // One result array per function and VM instead of one per call: both Chicory engines copy the result out
        // as soon as the function returns (the compiler's host-call stub unboxes it, the interpreter pushes it),
        // and a VM runs on one thread, so the array is never read after a later call has overwritten it.
        long[] result = new long[1];
        return new HostFunction(module, name, type, (inst, args) -> {
            result[0] = guard(impl, args);
            return result;
        });
    }

    String module() {
        return module;
    }

    List<ImportFunction> functions() {
        return functions;
    }

    private static int guard(Impl impl, long[] args) {
        try {
            return impl.run(args);
        } catch (AbiException e) {
            return e.status().code();
        }
    }

    static int ok() {
        return Status.OK.code();
    }

    static int i32(long arg) {
        return (int) arg;
    }

    static GuestMemory memory(WasmVm vm) {
        return vm.memory();
    }
}
