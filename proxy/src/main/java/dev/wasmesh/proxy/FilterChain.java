package dev.wasmesh.proxy;

import dev.wasmesh.host.WasmFailureException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

/**
 * One generation of the filter chain: its loaded filters and their instances on every worker. A reload builds a
 * new generation; streams keep the one they started on, and the old one is retired once they finish.
 */
final class FilterChain {
    private final List<LoadedFilter> filters;
    private final List<List<FilterInstance>> byWorker;

    private FilterChain(List<LoadedFilter> filters, List<List<FilterInstance>> byWorker) {
        this.filters = List.copyOf(filters);
        this.byWorker = byWorker;
    }

    /**
     * Instantiates every filter on every worker (on the worker's own thread).
     *
     * @throws WasmFailureException if any VM fails to start; nothing is left running then
     */
    static FilterChain start(List<LoadedFilter> filters, List<Worker> workers, ProxyServer server)
            throws InterruptedException {
        List<List<FilterInstance>> byWorker = new ArrayList<>();
        try {
            for (Worker w : workers) {
                byWorker.add(w.loop()
                        .submit(() -> {
                            List<FilterInstance> list = new ArrayList<>();
                            try {
                                for (LoadedFilter f : filters) {
                                    list.add(FilterInstance.start(f, w, server));
                                }
                            } catch (WasmFailureException e) {
                                list.forEach(FilterInstance::retire);
                                throw e;
                            }
                            return list;
                        })
                        .get());
            }
        } catch (ExecutionException e) {
            new FilterChain(filters, byWorker).retire(workers);
            if (e.getCause() instanceof WasmFailureException) {
                throw (WasmFailureException) e.getCause();
            }
            throw new IllegalStateException(e.getCause());
        }
        return new FilterChain(filters, byWorker);
    }

    List<LoadedFilter> filters() {
        return filters;
    }

    List<FilterInstance> instances(Worker worker) {
        return byWorker.get(worker.index());
    }

    void retire(List<Worker> workers) {
        for (int i = 0; i < byWorker.size(); i++) {
            List<FilterInstance> list = byWorker.get(i);
            workers.get(i).loop().execute(() -> list.forEach(FilterInstance::retire));
        }
    }
}
