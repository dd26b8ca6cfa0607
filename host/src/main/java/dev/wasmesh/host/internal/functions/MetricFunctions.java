package dev.wasmesh.host.internal.functions;

import static dev.wasmesh.host.internal.functions.HostFunctions.i32;
import static dev.wasmesh.host.internal.functions.HostFunctions.ok;

import com.dylibso.chicory.wasm.types.ValType;
import dev.wasmesh.host.WasmVm;
import dev.wasmesh.host.abi.AbiException;
import dev.wasmesh.host.abi.MetricType;
import dev.wasmesh.host.shared.Metrics;

/** Counters, gauges and histograms; see {@link Metrics} for Envoy's rules per type. */
final class MetricFunctions {
    private static final ValType[] ID_AND_I64 = {ValType.I32, ValType.I64};

    private MetricFunctions() {}

    static void register(HostFunctions b, WasmVm vm) {
        b.add("proxy_define_metric", 4, a -> {
            MetricType type = MetricType.ofCode(i32(a[0]));
            String name = vm.memory().readString(a[1], a[2]);
            if (name.isEmpty()) {
                throw AbiException.BAD_ARGUMENT;
            }
            vm.memory().writeU32(a[3], vm.env().metrics().define(type, name).id());
            return ok();
        });
        b.add("proxy_increment_metric", ID_AND_I64, a -> {
            vm.env().metrics().increment(i32(a[0]), a[1]);
            return ok();
        });
        b.add("proxy_record_metric", ID_AND_I64, a -> {
            vm.env().metrics().record(i32(a[0]), a[1]);
            return ok();
        });
        b.add("proxy_get_metric", 2, a -> {
            vm.memory().writeU64(a[1], vm.env().metrics().get(i32(a[0])));
            return ok();
        });
    }
}
