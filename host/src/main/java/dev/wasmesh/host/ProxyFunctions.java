package dev.wasmesh.host;

import com.dylibso.chicory.runtime.ImportFunction;
import java.util.List;

/** The env.proxy_* imports, assembled from one class per concern. */
final class ProxyFunctions {
    private final WasmVm vm;

    ProxyFunctions(WasmVm vm) {
        this.vm = vm;
    }

    List<ImportFunction> functions() {
        HostFunctions b = new HostFunctions("env");
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
