package dev.wasmesh.proxy;

import dev.wasmesh.host.WasmFailureException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * One generation of the wasm plugins: every listener's filter chain and the wasm services, on the VMs of each
 * worker. Plugins with the same VM key (code, vm_id, VM configuration) share one VM per worker, as in Envoy,
 * whichever listener or service they belong to. A reload builds a new generation; streams keep the one they
 * started on, and the old one is retired once they finish.
 */
final class WasmPlugins {
    private final List<List<LoadedFilter>> chains;
    private final List<LoadedFilter> services;
    /** Per worker: the instances of each chain, in chain order. */
    private final List<List<List<FilterInstance>>> byWorker;

    private final List<List<WorkerVm>> vmsByWorker;

    private WasmPlugins(
            List<List<LoadedFilter>> chains,
            List<LoadedFilter> services,
            List<List<List<FilterInstance>>> byWorker,
            List<List<WorkerVm>> vmsByWorker) {
        this.chains = chains;
        this.services = services;
        this.byWorker = byWorker;
        this.vmsByWorker = vmsByWorker;
    }

    /** A worker's plugins, and the VMs they run on. */
    private record OnWorker(List<List<FilterInstance>> chains, List<WorkerVm> vms) {}

    /**
     * Instantiates every plugin on every worker (on the worker's own thread): each chain's filters in order, then the
     * services, which run in the same VMs but in no chain.
     *
     * @throws WasmFailureException if any VM fails to start; nothing is left running then
     */
    static WasmPlugins start(
            List<List<LoadedFilter>> chains, List<LoadedFilter> services, List<Worker> workers, ProxyServer server)
            throws InterruptedException {
        List<List<LoadedFilter>> copied = chains.stream().map(List::copyOf).toList();
        List<List<List<FilterInstance>>> byWorker = new ArrayList<>();
        List<List<WorkerVm>> vmsByWorker = new ArrayList<>();
        try {
            for (Worker w : workers) {
                OnWorker started = w.loop()
                        .submit(() -> startOn(copied, services, w, server))
                        .get();
                byWorker.add(started.chains());
                vmsByWorker.add(started.vms());
            }
        } catch (ExecutionException e) {
            new WasmPlugins(copied, services, byWorker, vmsByWorker).retire(workers);
            if (e.getCause() instanceof WasmFailureException) {
                throw (WasmFailureException) e.getCause();
            }
            throw new IllegalStateException(e.getCause());
        }
        return new WasmPlugins(copied, List.copyOf(services), byWorker, vmsByWorker);
    }

    private static OnWorker startOn(
            List<List<LoadedFilter>> chains, List<LoadedFilter> services, Worker w, ProxyServer server) {
        Map<WorkerVm.Key, WorkerVm> vms = new LinkedHashMap<>();
        List<List<FilterInstance>> out = new ArrayList<>();
        try {
            for (List<LoadedFilter> chain : chains) {
                List<FilterInstance> list = new ArrayList<>();
                for (LoadedFilter f : chain) {
                    list.add(vms.computeIfAbsent(WorkerVm.Key.of(f), k -> new WorkerVm(w, server))
                            .add(f));
                }
                out.add(list);
            }
            for (LoadedFilter s : services) {
                vms.computeIfAbsent(WorkerVm.Key.of(s), k -> new WorkerVm(w, server))
                        .add(s);
            }
        } catch (WasmFailureException e) {
            vms.values().forEach(WorkerVm::retire);
            throw e;
        }
        return new OnWorker(out, List.copyOf(vms.values()));
    }

    /** The filters of the chain at {@code index} (a listener's), with their instances on each worker. */
    FilterChain chain(int index) {
        List<List<FilterInstance>> instances = new ArrayList<>();
        for (List<List<FilterInstance>> w : byWorker) {
            instances.add(w.get(index));
        }
        return new FilterChain(chains.get(index), instances);
    }

    List<List<LoadedFilter>> chains() {
        return chains;
    }

    List<LoadedFilter> services() {
        return services;
    }

    void retire(List<Worker> workers) {
        for (int i = 0; i < vmsByWorker.size(); i++) {
            List<WorkerVm> list = vmsByWorker.get(i);
            workers.get(i).loop().execute(() -> list.forEach(WorkerVm::retire));
        }
    }
}
