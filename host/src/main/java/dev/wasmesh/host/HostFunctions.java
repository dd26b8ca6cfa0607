package dev.wasmesh.host;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import dev.wasmesh.host.abi.AbiException;
import dev.wasmesh.host.abi.GuestMemory;
import dev.wasmesh.host.abi.Status;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Binds the host side of the ABI to a VM: every proxy-wasm function (0.1.0 to 0.2.1), WASI under both of its module
 * names, and the few extras SDKs import. The groups live in their own classes; this one owns the import table.
 */
final class HostFunctions {
    /** The body of an ABI function: takes the raw arguments, returns a status (AbiException for errors). */
    @FunctionalInterface
    interface Impl {
        int run(long[] args);
    }

    private static final Set<String> PROVIDED = create(null).stream()
            .map(f -> f.module() + "\0" + f.name()).collect(Collectors.toUnmodifiableSet());

    private final String module;
    private final List<ImportFunction> functions = new ArrayList<>();

    HostFunctions(String module) {
        this.module = module;
    }

    static boolean provides(String module, String name) {
        return PROVIDED.contains(module + "\0" + name);
    }

    static List<ImportFunction> create(WasmVm vm) {
        List<ImportFunction> all = new ArrayList<>();
        all.addAll(new ProxyFunctions(vm).functions());
        all.addAll(new WasiFunctions(vm, "wasi_snapshot_preview1").functions());
        all.addAll(new WasiFunctions(vm, "wasi_unstable").functions());
        // Emscripten builds report memory growth; nothing to do since memory is read fresh on every access.
        all.add(new HostFunction("env", "emscripten_notify_memory_growth",
                FunctionType.of(List.of(ValType.I32), List.of()), (inst, args) -> null));
        return all;
    }

    /** A function of {@code params} i32 parameters returning an i32 status. */
    void add(String name, int params, Impl impl) {
        ValType[] p = new ValType[params];
        Arrays.fill(p, ValType.I32);
        add(name, p, impl);
    }

    /** A function with explicit parameter types returning an i32 status. */
    void add(String name, ValType[] params, Impl impl) {
        functions.add(new HostFunction(module, name, FunctionType.of(params, new ValType[] {ValType.I32}),
                (inst, args) -> new long[] {guard(impl, args)}));
    }

    void addRaw(ImportFunction f) {
        functions.add(f);
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
