package dev.wasmesh.bench;

import dev.wasmesh.host.module.ProxyWasmModule;
import io.roastedroot.proxywasm.PluginFactory;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The same for the roastedroot host. Only the seed filter: roastedroot 0.0.5 cannot start c-all, whose
 * proxy_on_configure sets a tick period while the plugin's server adaptor is still unset (NullPointerException in
 * Plugin$HandlerImpl.setTickPeriodMilliseconds; RoastedrootWorkerTest records it).
 */
@State(Scope.Thread)
public class RoastedrootState {
    @Param({"SEED"})
    public ExampleFilter filter;

    @Param({"COMPILER", "INTERPRETER"})
    public ProxyWasmModule.Engine engine;

    PluginFactory factory;
    RoastedrootWorker worker;

    @Setup(Level.Trial)
    public void setUp() {
        factory = RoastedrootWorker.compile(filter, engine);
        worker = RoastedrootWorker.start(factory);
    }
}
