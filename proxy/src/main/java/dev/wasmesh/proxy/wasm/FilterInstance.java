package dev.wasmesh.proxy.wasm;

import dev.wasmesh.host.FailurePolicy;
import dev.wasmesh.host.HttpContext;
import dev.wasmesh.host.NetworkContext;
import dev.wasmesh.host.WasmFailureException;
import dev.wasmesh.host.stream.NetworkControl;
import dev.wasmesh.host.stream.StreamControl;
import dev.wasmesh.host.stream.StreamInfo;
import dev.wasmesh.proxy.tcp.NetworkFilter;
import dev.wasmesh.stream.ChainFilter;

/**
 * One plugin on one worker, an HTTP filter or a network (TCP) filter: its root context in a {@link WorkerVm} it may
 * share with other plugins of either kind.
 */
final class FilterInstance implements ChainFilter, NetworkFilter {
    private final WorkerVm vm;
    private final int plugin;

    FilterInstance(WorkerVm vm, int plugin) {
        this.vm = vm;
        this.plugin = plugin;
    }

    @Override
    public HttpContext open(StreamControl control, StreamInfo info) {
        return vm.open(plugin, control, info);
    }

    @Override
    public NetworkContext openNetwork(NetworkControl control, StreamInfo info) {
        return vm.openNetwork(plugin, control, info);
    }

    @Override
    public FailurePolicy policy() {
        return vm.plugin(plugin).plugin().failurePolicy();
    }

    /** The VM fails as a whole: every plugin on it. */
    @Override
    public void failed(WasmFailureException e) {
        vm.failed(e);
    }

    @Override
    public void streamStarted() {
        vm.streamStarted();
    }

    @Override
    public void streamEnded() {
        vm.streamEnded();
    }
}
