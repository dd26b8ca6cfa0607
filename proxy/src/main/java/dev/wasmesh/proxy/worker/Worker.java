package dev.wasmesh.proxy.worker;

import dev.wasmesh.proxy.config.Limits;
import dev.wasmesh.proxy.stats.ProxyStats;
import dev.wasmesh.proxy.upstream.UpstreamPool;
import io.netty.channel.EventLoop;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** One event-loop thread with its own upstream connection pool and its own VMs. */
public final class Worker {
    /** A connection or stream with timeouts, which the worker's sweep asks to act on the expired ones. */
    public interface Timed {
        void checkTimeouts(long nowNanos);
    }

    private final int index;
    private final EventLoop loop;
    private final UpstreamPool pool;
    /** Touched on the loop only. One sweep per worker rather than a timer per stream: nothing to schedule per request. */
    private final Set<Timed> timed = Collections.newSetFromMap(new IdentityHashMap<>());

    public Worker(int index, EventLoop loop, ProxyStats stats, Limits limits) {
        this.index = index;
        this.loop = loop;
        this.pool = new UpstreamPool(loop, stats, limits);
        long period = limits.sweepPeriod().toMillis();
        loop.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    /** The worker's index among the workers; -1 for the main thread, which runs the singleton wasm services. */
    public int index() {
        return index;
    }

    /** How logs name it: "worker 0", or "main thread". */
    public String description() {
        return index < 0 ? "main thread" : "worker " + index;
    }

    /** How stats name it: "worker_0", or "main_thread". */
    public String statName() {
        return index < 0 ? "main_thread" : "worker_" + index;
    }

    public EventLoop loop() {
        return loop;
    }

    public UpstreamPool pool() {
        return pool;
    }

    public void watch(Timed t) {
        timed.add(t);
    }

    public void unwatch(Timed t) {
        timed.remove(t);
    }

    private void sweep() {
        if (timed.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        for (Timed t : timed.toArray(new Timed[0])) { // a check may close a connection, which unwatches it
            t.checkTimeouts(now);
        }
    }
}
