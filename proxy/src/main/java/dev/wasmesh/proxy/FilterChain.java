package dev.wasmesh.proxy;

import dev.wasmesh.proxy.worker.Worker;
import java.util.List;

/**
 * A listener's filter chain in one generation of the wasm plugins ({@link WasmPlugins}): its loaded filters and
 * their instances on every worker.
 */
final class FilterChain {
    private final List<LoadedFilter> filters;
    private final List<List<FilterInstance>> byWorker;

    FilterChain(List<LoadedFilter> filters, List<List<FilterInstance>> byWorker) {
        this.filters = List.copyOf(filters);
        this.byWorker = List.copyOf(byWorker);
    }

    List<LoadedFilter> filters() {
        return filters;
    }

    List<FilterInstance> instances(Worker worker) {
        return byWorker.get(worker.index());
    }
}
