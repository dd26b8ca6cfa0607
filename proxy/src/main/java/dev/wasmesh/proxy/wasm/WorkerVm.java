package dev.wasmesh.proxy.wasm;

import dev.wasmesh.host.FailurePolicy;
import dev.wasmesh.host.HttpContext;
import dev.wasmesh.host.NetworkContext;
import dev.wasmesh.host.PluginConfig;
import dev.wasmesh.host.RootContext;
import dev.wasmesh.host.WasmFailure;
import dev.wasmesh.host.WasmFailureException;
import dev.wasmesh.host.WasmVm;
import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.host.stream.NetworkControl;
import dev.wasmesh.host.stream.StreamControl;
import dev.wasmesh.host.stream.StreamInfo;
import dev.wasmesh.proxy.config.Limits;
import dev.wasmesh.proxy.worker.Worker;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One VM on one worker and the plugins that share it, as Envoy keeps one VM per (vm_id, VM configuration, code,
 * worker): each plugin has its root context in it, and they fail together and reload together. A failed VM is
 * closed at once, so its memory goes back to the guest budget before the next one grows; each plugin then applies
 * its own failure policy to its streams, and the VM is recreated with a backoff if any plugin on it is FAIL_RELOAD.
 * The backoff starts at 1 s and doubles up to 10 s with every failure, and starts over only once a VM has stayed up
 * longer than the longest backoff: a VM that fails on every request costs its worker one failed callback per
 * backoff period, not one per request. Used only on its worker's event loop.
 */
final class WorkerVm {
    private static final long MIN_BACKOFF_MILLIS = 1000;

    /** What makes plugins share a VM, as Envoy's VM key: the code, vm_id, VM configuration and environment. */
    record Key(String codeDigest, String vmId, String vmConfiguration, Map<String, String> environment) {
        static Key of(LoadedFilter f) {
            PluginConfig p = f.plugin();
            return new Key(f.codeDigest(), p.vmId(), Arrays.toString(p.vmConfiguration()), p.environment());
        }
    }

    private final Worker worker;
    private final PluginHost host;
    private final List<LoadedFilter> plugins = new ArrayList<>();
    private final List<RootContext> roots = new ArrayList<>();
    private final Map<RootContext, ScheduledFuture<?>> timers = new HashMap<>();
    private volatile WasmVm vm; // volatile for the admin thread's memory gauge
    private WasmFailure failure;
    private long backoffMillis = MIN_BACKOFF_MILLIS;
    private long upSinceNanos;
    private int activeStreams;
    private boolean retired;

    WorkerVm(Worker worker, PluginHost host) {
        this.worker = worker;
        this.host = host;
    }

    /**
     * Adds a plugin: its root context in this VM (creating the VM with the first plugin); must run on the worker's
     * loop.
     *
     * @throws WasmFailureException if the VM or the root context fails to start
     */
    FilterInstance add(LoadedFilter filter) {
        int index = plugins.size();
        plugins.add(filter);
        if (vm == null) {
            create();
        } else {
            roots.add(vm.createRootContext(filter.plugin()));
        }
        host.stats()
                .computedGauge(
                        "wasm." + filter.label() + "." + worker.statName() + ".guest_memory_bytes",
                        this::guestMemoryBytes);
        return new FilterInstance(this, index);
    }

    private void create() {
        LoadedFilter first = plugins.get(0);
        WasmVm.Options options = new WasmVm.Options().executor(worker.loop()).timerListener(this::tickPeriodChanged);
        WasmVm created = null;
        try {
            created = WasmVm.create(first.module(), host.env(), first.plugin(), options);
            List<RootContext> fresh = new ArrayList<>();
            for (LoadedFilter p : plugins) {
                fresh.add(created.createRootContext(p.plugin()));
            }
            roots.clear();
            roots.addAll(fresh);
            vm = created;
            upSinceNanos = System.nanoTime();
        } catch (WasmFailureException e) {
            cancelTimers();
            if (created != null) {
                created.close();
            }
            throw e;
        }
    }

    /** The VM's linear memory now; 0 while it is failed. */
    private long guestMemoryBytes() {
        WasmVm v = vm;
        return v == null ? 0 : v.guestMemoryBytes();
    }

    LoadedFilter plugin(int index) {
        return plugins.get(index);
    }

    /** Opens an HTTP stream context for a plugin; the caller applies the policy if this throws. */
    HttpContext open(int plugin, StreamControl control, StreamInfo info) {
        if (failure != null) {
            throw new WasmFailureException(failure);
        }
        return roots.get(plugin).newHttpContext(control, info);
    }

    /** Opens a network (TCP) connection context for a plugin; the caller applies the policy if this throws. */
    NetworkContext openNetwork(int plugin, NetworkControl control, StreamInfo info) {
        if (failure != null) {
            throw new WasmFailureException(failure);
        }
        return roots.get(plugin).newNetworkContext(control, info);
    }

    void streamStarted() {
        activeStreams++;
    }

    void streamEnded() {
        if (--activeStreams == 0 && retired) {
            shutdown();
        }
    }

    /** Records a VM failure once and, if a plugin on it is FAIL_RELOAD, schedules the VM's recreation. */
    void failed(WasmFailureException e) {
        if (failure != null) {
            return;
        }
        failure = e.failure();
        cancelTimers();
        closeVm();
        if (System.nanoTime() - upSinceNanos > TimeUnit.MILLISECONDS.toNanos(Limits.RELOAD_MAX_BACKOFF_MILLIS)) {
            backoffMillis = MIN_BACKOFF_MILLIS;
        }
        boolean reload =
                !retired && plugins.stream().anyMatch(p -> p.plugin().failurePolicy() == FailurePolicy.FAIL_RELOAD);
        for (LoadedFilter p : plugins) {
            host.stats().inc("wasm." + p.label() + ".vm_failed");
            host.log()
                    .proxy(
                            LogLevel.ERROR,
                            "filter " + p.label() + " failed on " + worker.description() + " ("
                                    + p.plugin().failurePolicy()
                                    + (reload ? ", reloading in " + backoffMillis + " ms" : "") + "): " + failure);
        }
        if (reload) {
            scheduleReload();
        }
    }

    private void scheduleReload() {
        long delay = backoffMillis;
        backoffMillis = Math.min(backoffMillis * 2, Limits.RELOAD_MAX_BACKOFF_MILLIS);
        worker.loop().schedule(this::reload, delay, TimeUnit.MILLISECONDS);
    }

    private void closeVm() {
        if (vm != null) {
            vm.close();
            vm = null;
            roots.clear();
        }
    }

    private void reload() {
        if (retired) {
            return;
        }
        try {
            create();
            failure = null;
            for (LoadedFilter p : plugins) {
                host.stats().inc("wasm." + p.label() + ".vm_reloaded");
                host.log().proxy(LogLevel.INFO, "filter " + p.label() + " reloaded on " + worker.description());
            }
        } catch (WasmFailureException e) {
            failure = e.failure();
            host.log()
                    .proxy(
                            LogLevel.ERROR,
                            "filter " + plugins.get(0).label() + " reload failed on " + worker.description()
                                    + ", next try in " + backoffMillis + " ms: " + failure);
            scheduleReload();
        }
    }

    private void tickPeriodChanged(RootContext ctx, long periodMillis) {
        ScheduledFuture<?> old = timers.remove(ctx);
        if (old != null) {
            old.cancel(false);
        }
        if (periodMillis > 0) {
            timers.put(
                    ctx,
                    worker.loop()
                            .scheduleAtFixedRate(() -> tick(ctx), periodMillis, periodMillis, TimeUnit.MILLISECONDS));
        }
    }

    private void tick(RootContext ctx) {
        if (failure != null || ctx.vm() != vm) {
            return;
        }
        try {
            ctx.tick();
        } catch (WasmFailureException e) {
            failed(e);
        }
    }

    private void cancelTimers() {
        timers.values().forEach(f -> f.cancel(false));
        timers.clear();
    }

    /** A newer chain replaced this one: shut the plugins down once the last stream on this VM ends. */
    void retire() {
        retired = true;
        if (activeStreams == 0) {
            shutdown();
        }
    }

    private void shutdown() {
        cancelTimers();
        boolean deleted = true;
        if (failure == null) {
            for (int i = 0; i < roots.size(); i++) {
                try {
                    deleted &= roots.get(i).shutdown();
                } catch (WasmFailureException e) {
                    host.log()
                            .proxy(
                                    LogLevel.WARN,
                                    "filter " + plugins.get(i).label() + " failed while shutting down: "
                                            + e.getMessage());
                }
            }
        }
        if (deleted) {
            closeVm(); // else a root context still awaits proxy_done; the VM's memory returns when it is collected
        }
    }
}
