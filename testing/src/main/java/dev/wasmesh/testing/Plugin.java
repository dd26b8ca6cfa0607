package dev.wasmesh.testing;

import dev.wasmesh.host.FailurePolicy;
import dev.wasmesh.host.HttpContext;
import dev.wasmesh.host.PluginConfig;
import dev.wasmesh.host.RootContext;
import dev.wasmesh.host.WasmFailureException;
import dev.wasmesh.host.WasmVm;
import dev.wasmesh.host.stream.StreamControl;
import dev.wasmesh.host.stream.StreamInfo;
import dev.wasmesh.stream.ChainFilter;

/** One plugin of the harness: its root context on a VM it may share with other plugins, and its tick timer. */
final class Plugin implements ChainFilter {
    private final PluginConfig config;
    private final WasmVm vm;
    private final RootContext root;
    private final TickTimer timer;

    Plugin(PluginConfig config, WasmVm vm, RootContext root, TickTimer timer) {
        this.config = config;
        this.vm = vm;
        this.root = root;
        this.timer = timer;
    }

    PluginConfig config() {
        return config;
    }

    WasmVm vm() {
        return vm;
    }

    RootContext root() {
        return root;
    }

    TickTimer timer() {
        return timer;
    }

    @Override
    public HttpContext open(StreamControl control, StreamInfo info) {
        return root.newHttpContext(control, info);
    }

    @Override
    public FailurePolicy policy() {
        return config.failurePolicy();
    }

    @Override
    public void failed(WasmFailureException e) {
        // The VM keeps its failure (vm.failure()); the stream that saw it reports it to the test.
    }
}
