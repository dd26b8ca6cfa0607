package dev.wasmesh.proxy;

import dev.wasmesh.host.WasmFailureException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * One generation of the filter chain: its loaded filters (the HTTP listener's, and the network filters of each TCP
 * listener) and their instances on every worker. Plugins of either kind with the same VM key share one VM per
 * worker, as in Envoy. A reload builds a new generation; streams and connections keep the one they started on, and
 * the old one is retired once they finish.
 */
final class FilterChain {
    private final List<LoadedFilter> filters;
    private final List<List<LoadedFilter>> networkFilters;
    private final List<WorkerPlugins> byWorker;

    private FilterChain(
            List<LoadedFilter> filters, List<List<LoadedFilter>> networkFilters, List<WorkerPlugins> byWorker) {
        this.filters = List.copyOf(filters);
        this.networkFilters = networkFilters.stream().map(List::copyOf).toList();
        this.byWorker = byWorker;
    }

    /**
     * A worker's plugins: the HTTP ones, the network ones per TCP listener, and the VMs they run on (plugins with
     * the same VM key share one).
     */
    private record WorkerPlugins(
            List<FilterInstance> instances, List<List<FilterInstance>> network, List<WorkerVm> vms) {}

    /**
     * Instantiates every filter on every worker (on the worker's own thread).
     *
     * @param networkFilters the network filters of each TCP listener, in listener order
     * @throws WasmFailureException if any VM fails to start; nothing is left running then
     */
    static FilterChain start(
            List<LoadedFilter> filters,
            List<List<LoadedFilter>> networkFilters,
            List<Worker> workers,
            ProxyServer server)
            throws InterruptedException {
        List<WorkerPlugins> byWorker = new ArrayList<>();
        try {
            for (Worker w : workers) {
                byWorker.add(w.loop()
                        .submit(() -> startOn(filters, networkFilters, w, server))
                        .get());
            }
        } catch (ExecutionException e) {
            new FilterChain(filters, networkFilters, byWorker).retire(workers);
            if (e.getCause() instanceof WasmFailureException) {
                throw (WasmFailureException) e.getCause();
            }
            throw new IllegalStateException(e.getCause());
        }
        return new FilterChain(filters, networkFilters, byWorker);
    }

    private static WorkerPlugins startOn(
            List<LoadedFilter> filters, List<List<LoadedFilter>> networkFilters, Worker w, ProxyServer server) {
        Map<WorkerVm.Key, WorkerVm> vms = new LinkedHashMap<>();
        try {
            List<FilterInstance> http = instantiate(filters, vms, w, server);
            List<List<FilterInstance>> network = new ArrayList<>();
            for (List<LoadedFilter> chain : networkFilters) {
                network.add(instantiate(chain, vms, w, server));
            }
            return new WorkerPlugins(http, network, List.copyOf(vms.values()));
        } catch (WasmFailureException e) {
            vms.values().forEach(WorkerVm::retire);
            throw e;
        }
    }

    private static List<FilterInstance> instantiate(
            List<LoadedFilter> filters, Map<WorkerVm.Key, WorkerVm> vms, Worker w, ProxyServer server) {
        List<FilterInstance> list = new ArrayList<>();
        for (LoadedFilter f : filters) {
            WorkerVm vm = vms.computeIfAbsent(WorkerVm.Key.of(f), k -> new WorkerVm(w, server));
            list.add(vm.add(f));
        }
        return List.copyOf(list);
    }

    /** The HTTP listener's filters. */
    List<LoadedFilter> filters() {
        return filters;
    }

    /** The network filters of each TCP listener. */
    List<List<LoadedFilter>> networkFilters() {
        return networkFilters;
    }

    List<FilterInstance> instances(Worker worker) {
        return byWorker.get(worker.index()).instances();
    }

    /** The network filters of TCP listener {@code listener} on {@code worker}. */
    List<FilterInstance> networkInstances(Worker worker, int listener) {
        return byWorker.get(worker.index()).network().get(listener);
    }

    void retire(List<Worker> workers) {
        for (int i = 0; i < byWorker.size(); i++) {
            List<WorkerVm> list = byWorker.get(i).vms();
            workers.get(i).loop().execute(() -> list.forEach(WorkerVm::retire));
        }
    }
}
