package dev.wasmesh.proxy;

import dev.wasmesh.host.WasmFailureException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * One generation of the filter chain: its loaded filters and their instances on every worker. A reload builds a
 * new generation; streams keep the one they started on, and the old one is retired once they finish.
 */
final class FilterChain {
    private final List<LoadedFilter> filters;
    private final List<List<FilterInstance>> byWorker;
    private final List<List<WorkerVm>> vmsByWorker;

    private FilterChain(
            List<LoadedFilter> filters, List<List<FilterInstance>> byWorker, List<List<WorkerVm>> vmsByWorker) {
        this.filters = List.copyOf(filters);
        this.byWorker = byWorker;
        this.vmsByWorker = vmsByWorker;
    }

    /** A worker's plugins, and the VMs they run on (plugins with the same VM key share one). */
    private record WorkerPlugins(List<FilterInstance> instances, List<WorkerVm> vms) {}

    /**
     * Instantiates every filter on every worker (on the worker's own thread).
     *
     * @throws WasmFailureException if any VM fails to start; nothing is left running then
     */
    static FilterChain start(List<LoadedFilter> filters, List<Worker> workers, ProxyServer server)
            throws InterruptedException {
        List<List<FilterInstance>> byWorker = new ArrayList<>();
        List<List<WorkerVm>> vmsByWorker = new ArrayList<>();
        try {
            for (Worker w : workers) {
                WorkerPlugins started =
                        w.loop().submit(() -> startOn(filters, w, server)).get();
                byWorker.add(started.instances());
                vmsByWorker.add(started.vms());
            }
        } catch (ExecutionException e) {
            new FilterChain(filters, byWorker, vmsByWorker).retire(workers);
            if (e.getCause() instanceof WasmFailureException) {
                throw (WasmFailureException) e.getCause();
            }
            throw new IllegalStateException(e.getCause());
        }
        return new FilterChain(filters, byWorker, vmsByWorker);
    }

    private static WorkerPlugins startOn(List<LoadedFilter> filters, Worker w, ProxyServer server) {
        Map<WorkerVm.Key, WorkerVm> vms = new LinkedHashMap<>();
        List<FilterInstance> list = new ArrayList<>();
        try {
            for (LoadedFilter f : filters) {
                WorkerVm vm = vms.computeIfAbsent(WorkerVm.Key.of(f), k -> new WorkerVm(w, server));
                list.add(vm.add(f));
            }
        } catch (WasmFailureException e) {
            vms.values().forEach(WorkerVm::retire);
            throw e;
        }
        return new WorkerPlugins(list, List.copyOf(vms.values()));
    }

    List<LoadedFilter> filters() {
        return filters;
    }

    List<FilterInstance> instances(Worker worker) {
        return byWorker.get(worker.index());
    }

    void retire(List<Worker> workers) {
        for (int i = 0; i < vmsByWorker.size(); i++) {
            List<WorkerVm> list = vmsByWorker.get(i);
            workers.get(i).loop().execute(() -> list.forEach(WorkerVm::retire));
        }
    }
}
