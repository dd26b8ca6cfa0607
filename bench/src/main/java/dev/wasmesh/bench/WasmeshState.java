package dev.wasmesh.bench;

import dev.wasmesh.host.module.ProxyWasmModule;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** A compiled module and one started worker on the wasmesh host, per benchmark thread (a VM is single-threaded). */
@State(Scope.Thread)
public class WasmeshState {
    @Param({"SEED", "C_ALL"})
    public ExampleFilter filter;

    @Param({"COMPILER", "INTERPRETER"})
    public ProxyWasmModule.Engine engine;

    ProxyWasmModule module;
    WasmeshWorker worker;

    @Setup(Level.Trial)
    public void setUp() {
        module = WasmeshWorker.compile(filter, engine);
        worker = WasmeshWorker.start(module);
    }
}
