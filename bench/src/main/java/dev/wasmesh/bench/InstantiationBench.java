package dev.wasmesh.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * A new worker from an already compiled module: instantiate the VM, run its start-up (_initialize), create the
 * plugin's root context (proxy_on_context_create, proxy_on_vm_start, proxy_on_configure). The wasmesh worker is
 * closed again, as the proxy closes a replaced VM: a VM dropped without closing stays in the watchdog's scan until
 * the collector finds it, and thousands of those made the start time swing with the GC.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class InstantiationBench {
    @Benchmark
    public WasmeshWorker wasmesh(WasmeshState state) {
        WasmeshWorker worker = WasmeshWorker.start(state.module);
        worker.close();
        return worker;
    }

    @Benchmark
    public RoastedrootWorker roastedroot(RoastedrootState state) {
        return RoastedrootWorker.start(state.factory);
    }
}
