package dev.wasmesh.bench;

import dev.wasmesh.host.module.ProxyWasmModule;
import io.roastedroot.proxywasm.PluginFactory;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Loading a module, which happens once per module and process: parse, check and (for the compiler engine) compile
 * to JVM bytecode. Measured once per fresh JVM, as a proxy meets it at start-up; the forks give the spread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(3)
public class CompileBench {
    @Param({"SEED", "C_ALL"})
    public ExampleFilter filter;

    @Param({"COMPILER", "INTERPRETER"})
    public ProxyWasmModule.Engine engine;

    private byte[] wasm;

    @Setup
    public void readModule() {
        wasm = filter.wasm();
    }

    @Benchmark
    public ProxyWasmModule wasmesh() {
        return WasmeshWorker.compile(filter.directory(), wasm, engine);
    }

    @Benchmark
    public PluginFactory roastedroot() {
        return RoastedrootWorker.compile(filter.directory(), wasm, engine);
    }
}
