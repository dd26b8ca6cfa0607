package dev.wasmesh.proxy.wasm;

import dev.wasmesh.proxy.worker.Worker;
import dev.wasmesh.stream.ChainFilter;
import java.util.List;

/**
 * A listener's filter chain in one generation of the wasm plugins ({@link WasmPlugins}): its loaded filters and
 * their instances on every worker.
 */
public final class FilterChain {
    private final List<LoadedFilter> filters;
    private final List<List<FilterInstance>> byWorker;

    FilterChain(List<LoadedFilter> filters, List<List<FilterInstance>> byWorker) {
        this.filters = List.copyOf(filters);
        this.byWorker = List.copyOf(byWorker);
    }

    public List<LoadedFilter> filters() {
        return filters;
    }

    /** The chain's filters on {@code worker}, in configuration order. */
    public List<? extends ChainFilter> instances(Worker worker) {
        return byWorker.get(worker.index());
    }
}
