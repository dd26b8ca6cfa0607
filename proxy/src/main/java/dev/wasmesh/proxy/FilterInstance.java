package dev.wasmesh.proxy;

import dev.wasmesh.host.FailurePolicy;
import dev.wasmesh.host.HttpContext;
import dev.wasmesh.host.RootContext;
import dev.wasmesh.host.StreamControl;
import dev.wasmesh.host.StreamInfo;
import dev.wasmesh.host.WasmFailure;
import dev.wasmesh.host.WasmFailureException;
import dev.wasmesh.host.WasmVm;
import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.stream.ChainFilter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One filter's VM and root context on one worker, as Envoy keeps one VM per (plugin, worker). It applies the
 * failure policy to its VM: a failed instance is skipped (FAIL_OPEN), answers 503 (FAIL_CLOSED), or is recreated
 * with a backoff (FAIL_RELOAD). The backoff starts at 1 s and doubles up to 10 s with every failure, and starts over
 * only once a VM has stayed up longer than the longest backoff: a filter that fails on every request costs its
 * worker one failed callback per backoff period, not one per request. A failed VM is closed at once, so its memory
 * goes back to the guest budget before the next one grows. Used only on its worker's event loop.
 */
final class FilterInstance implements ChainFilter {
    private static final long MIN_BACKOFF_MILLIS = 1000;
    private static final long MAX_BACKOFF_MILLIS = 10_000;

    private final LoadedFilter filter;
    private final Worker worker;
    private final ProxyServer server;
    private final Map<RootContext, ScheduledFuture<?>> timers = new HashMap<>();
    private volatile WasmVm vm; // volatile for the admin thread's memory gauge
    private RootContext root;
    private WasmFailure failure;
    private long backoffMillis = MIN_BACKOFF_MILLIS;
    private long upSinceNanos;
    private int activeStreams;
    private boolean retired;

    private FilterInstance(LoadedFilter filter, Worker worker, ProxyServer server) {
        this.filter = filter;
        this.worker = worker;
        this.server = server;
    }

    /** Creates the VM and root context; must run on the worker's loop. */
    static FilterInstance start(LoadedFilter filter, Worker worker, ProxyServer server) {
        FilterInstance fi = new FilterInstance(filter, worker, server);
        fi.create();
        server.stats()
                .computedGauge(
                        "wasm." + filter.label() + ".worker_" + worker.index() + ".guest_memory_bytes",
                        fi::guestMemoryBytes);
        return fi;
    }

    private void create() {
        WasmVm.Options options = new WasmVm.Options().executor(worker.loop()).timerListener(this::tickPeriodChanged);
        WasmVm created = null;
        try {
            created = WasmVm.create(filter.module(), server.env(), filter.plugin(), options);
            root = created.createRootContext(filter.plugin());
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

    LoadedFilter filter() {
        return filter;
    }

    @Override
    public FailurePolicy policy() {
        return filter.plugin().failurePolicy();
    }

    boolean failed() {
        return failure != null;
    }

    @Override
    public HttpContext open(StreamControl control, StreamInfo info) {
        if (failure != null) {
            throw new WasmFailureException(failure);
        }
        return root.newHttpContext(control, info);
    }

    @Override
    public void streamStarted() {
        activeStreams++;
    }

    @Override
    public void streamEnded() {
        if (--activeStreams == 0 && retired) {
            shutdown();
        }
    }

    /** Records a VM failure once and, under FAIL_RELOAD, schedules the VM's recreation. */
    @Override
    public void failed(WasmFailureException e) {
        if (failure != null) {
            return;
        }
        failure = e.failure();
        cancelTimers();
        closeVm();
        if (System.nanoTime() - upSinceNanos > TimeUnit.MILLISECONDS.toNanos(MAX_BACKOFF_MILLIS)) {
            backoffMillis = MIN_BACKOFF_MILLIS;
        }
        server.stats().inc("wasm." + filter.label() + ".vm_failed");
        boolean reload = policy() == FailurePolicy.FAIL_RELOAD && !retired;
        server.log()
                .proxy(
                        LogLevel.ERROR,
                        "filter " + filter.label() + " failed on worker " + worker.index() + " (" + policy()
                                + (reload ? ", reloading in " + backoffMillis + " ms" : "") + "): " + failure);
        if (reload) {
            scheduleReload();
        }
    }

    private void scheduleReload() {
        long delay = backoffMillis;
        backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF_MILLIS);
        worker.loop().schedule(this::reload, delay, TimeUnit.MILLISECONDS);
    }

    private void closeVm() {
        if (vm != null) {
            vm.close();
            vm = null;
            root = null;
        }
    }

    private void reload() {
        if (retired) {
            return;
        }
        try {
            create();
            failure = null;
            server.stats().inc("wasm." + filter.label() + ".vm_reloaded");
            server.log().proxy(LogLevel.INFO, "filter " + filter.label() + " reloaded on worker " + worker.index());
        } catch (WasmFailureException e) {
            failure = e.failure();
            server.log()
                    .proxy(
                            LogLevel.ERROR,
                            "filter " + filter.label() + " reload failed on worker " + worker.index() + ", next try in "
                                    + backoffMillis + " ms: " + failure);
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

    /** A newer chain replaced this one: shut the plugin down once its last stream ends. */
    void retire() {
        retired = true;
        if (activeStreams == 0) {
            shutdown();
        }
    }

    private void shutdown() {
        cancelTimers();
        boolean deleted = true;
        if (failure == null && root != null) {
            try {
                deleted = root.shutdown();
            } catch (WasmFailureException e) {
                server.log()
                        .proxy(
                                LogLevel.WARN,
                                "filter " + filter.label() + " failed while shutting down: " + e.getMessage());
            }
        }
        if (deleted) {
            closeVm(); // else the root context still awaits proxy_done; the VM's memory returns when it is collected
        }
    }
}
