package dev.wasmesh.host.internal.functions;

import com.dylibso.chicory.runtime.ImportFunction;
import dev.wasmesh.host.WasmVm;
import java.util.List;
import java.util.Set;

/** The env.proxy_* imports, assembled from one class per concern. */
final class ProxyFunctions {
    private final WasmVm vm;
    private final Set<String> wanted;

    /** @param wanted see {@link HostFunctions#create} */
    ProxyFunctions(WasmVm vm, Set<String> wanted) {
        this.vm = vm;
        this.wanted = wanted;
    }

    List<ImportFunction> functions() {
        HostFunctions b = new HostFunctions("env", wanted);
        ContextFunctions.register(b, vm);
        MapFunctions.register(b, vm);
        BufferFunctions.register(b, vm);
        PropertyFunctions.register(b, vm);
        SharedFunctions.register(b, vm);
        MetricFunctions.register(b, vm);
        CalloutFunctions.register(b, vm);
        return b.functions();
    }
}
