package dev.wasmesh.proxy.wasm;

import dev.wasmesh.host.WasmFailureException;
import dev.wasmesh.host.module.ModuleLoadException;
import dev.wasmesh.proxy.tcp.NetworkFilter;
import dev.wasmesh.proxy.worker.Worker;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

/**
 * One generation of the wasm plugins: every HTTP listener's filter chain, every TCP listener's network filters and
 * the wasm services, on the VMs of each worker. Plugins with the same VM key (code, vm_id, VM configuration) share
 * one VM per worker, as in Envoy, whichever listener or service they belong to, HTTP or network. A reload builds a
 * new generation; streams and connections keep the one they started on, and the old one is retired once they
 * finish.
 */
public final class WasmPlugins {
    private final List<List<LoadedFilter>> chains;
    private final List<List<LoadedFilter>> networkChains;
    private final List<LoadedFilter> services;
    private final List<OnWorker> byWorker;
    private final List<Worker> workers;
    private final PluginHost host;

    /** A worker's plugins: each HTTP chain's, each TCP listener's, and the VMs they run on. */
    private record OnWorker(
            List<List<FilterInstance>> chains, List<List<FilterInstance>> network, List<WorkerVm> vms) {}

    private WasmPlugins(
            List<List<LoadedFilter>> chains,
            List<List<LoadedFilter>> networkChains,
            List<LoadedFilter> services,
            List<OnWorker> byWorker,
            List<Worker> workers,
            PluginHost host) {
        this.chains = chains;
        this.networkChains = networkChains;
        this.services = services;
        this.byWorker = byWorker;
        this.workers = List.copyOf(workers);
        this.host = host;
    }

    /**
     * Instantiates every plugin on every worker (on the worker's own thread): each HTTP chain's filters in order,
     * each TCP listener's network filters, then the services, which run in the same VMs but in no chain.
     *
     * @throws WasmFailureException if any VM fails to start; nothing is left running then
     */
    public static WasmPlugins start(
            List<List<LoadedFilter>> chains,
            List<List<LoadedFilter>> networkChains,
            List<LoadedFilter> services,
            List<Worker> workers,
            PluginHost host)
            throws InterruptedException {
        List<List<LoadedFilter>> http = chains.stream().map(List::copyOf).toList();
        List<List<LoadedFilter>> network =
                networkChains.stream().map(List::copyOf).toList();
        List<LoadedFilter> svc = List.copyOf(services);
        List<OnWorker> byWorker = new ArrayList<>();
        try {
            for (Worker w : workers) {
                byWorker.add(w.loop()
                        .submit(() -> startOn(http, network, svc, w, host))
                        .get());
            }
        } catch (ExecutionException e) {
            new WasmPlugins(http, network, svc, byWorker, workers, host).retire();
            if (e.getCause() instanceof WasmFailureException) {
                throw (WasmFailureException) e.getCause();
            }
            throw new IllegalStateException(e.getCause());
        }
        return new WasmPlugins(http, network, svc, byWorker, workers, host);
    }

    /**
     * The next generation, on the same workers: the filters read from {@code file} loaded and started again, the
     * others and the services as they are; or null if no chain has a filter from that file.
     *
     * @throws WasmFailureException if any VM fails to start; nothing of the next generation is left running then
     */
    public WasmPlugins reload(Path file, FilterLoader loader)
            throws IOException, ModuleLoadException, InterruptedException {
        if (loadedFrom(file) == null) {
            return null;
        }
        FilterLoader.Reload reload = loader.reloading(file);
        return start(reload.chains(chains), reload.chains(networkChains), services, workers, host);
    }

    /** The first filter of this generation read from {@code file}, or null. */
    public LoadedFilter loadedFrom(Path file) {
        return Stream.concat(chains.stream(), networkChains.stream())
                .flatMap(List::stream)
                .filter(f -> Objects.equals(f.config().localFile(), file))
                .findFirst()
                .orElse(null);
    }

    private static OnWorker startOn(
            List<List<LoadedFilter>> chains,
            List<List<LoadedFilter>> networkChains,
            List<LoadedFilter> services,
            Worker w,
            PluginHost host) {
        Map<WorkerVm.Key, WorkerVm> vms = new LinkedHashMap<>();
        try {
            List<List<FilterInstance>> http = new ArrayList<>();
            for (List<LoadedFilter> chain : chains) {
                http.add(instantiate(chain, vms, w, host));
            }
            List<List<FilterInstance>> network = new ArrayList<>();
            for (List<LoadedFilter> chain : networkChains) {
                network.add(instantiate(chain, vms, w, host));
            }
            instantiate(services, vms, w, host);
            return new OnWorker(http, network, List.copyOf(vms.values()));
        } catch (WasmFailureException e) {
            vms.values().forEach(WorkerVm::retire);
            throw e;
        }
    }

    private static List<FilterInstance> instantiate(
            List<LoadedFilter> filters, Map<WorkerVm.Key, WorkerVm> vms, Worker w, PluginHost host) {
        List<FilterInstance> list = new ArrayList<>();
        for (LoadedFilter f : filters) {
            list.add(vms.computeIfAbsent(WorkerVm.Key.of(f), k -> new WorkerVm(w, host))
                    .add(f));
        }
        return List.copyOf(list);
    }

    /** The filters of the HTTP chain at {@code index} (a listener's), with their instances on each worker. */
    public FilterChain chain(int index) {
        List<List<FilterInstance>> instances = new ArrayList<>();
        for (OnWorker w : byWorker) {
            instances.add(w.chains().get(index));
        }
        return new FilterChain(chains.get(index), instances);
    }

    /** The network filters of TCP listener {@code listener} on {@code worker}. */
    public List<? extends NetworkFilter> networkInstances(Worker worker, int listener) {
        return byWorker.get(worker.index()).network().get(listener);
    }

    /** Retires every VM of this generation once the streams on it end. */
    public void retire() {
        for (int i = 0; i < byWorker.size(); i++) {
            List<WorkerVm> list = byWorker.get(i).vms();
            workers.get(i).loop().execute(() -> list.forEach(WorkerVm::retire));
        }
    }
}
