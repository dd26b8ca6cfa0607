package dev.wasmesh.bench;

import dev.wasmesh.host.stream.HeaderMap;
import io.roastedroot.proxywasm.internal.ProxyMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * One request through a filter: create the HTTP context, request headers, response headers (the filter adds a
 * header), done, log, delete. Fresh header maps each time, as a proxy builds them per stream.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RequestLifecycleBench {
    @Benchmark
    public HeaderMap wasmesh(WasmeshState state) {
        return state.worker.serve();
    }

    @Benchmark
    public ProxyMap roastedroot(RoastedrootState state) {
        return state.worker.serve();
    }
}
