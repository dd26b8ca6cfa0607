package dev.wasmesh.proxy.stats;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/** The proxy's own counters and gauges, named as Envoy names its stats (e.g. {@code cluster.X.upstream_rq_total}). */
public final class ProxyStats {
    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();
    /** Gauges worked out when read, from state the proxy keeps anyway (e.g. bytes queued on connections). */
    private final Map<String, LongSupplier> computed = new ConcurrentHashMap<>();

    public void inc(String name) {
        counterCell(name).increment();
    }

    /** Adds {@code n} to a counter (bytes, say). */
    public void add(String name, long n) {
        counterCell(name).add(n);
    }

    public void gauge(String name, long delta) {
        gaugeCell(name).addAndGet(delta);
    }

    public void computedGauge(String name, LongSupplier value) {
        computed.put(name, value);
    }

    /** A gauge's value now (0 if there is none). */
    public long gaugeValue(String name) {
        LongSupplier c = computed.get(name);
        if (c != null) {
            return c.getAsLong();
        }
        AtomicLong g = gauges.get(name);
        return g == null ? 0 : g.get();
    }

    /** The counter itself, for code that bumps it on every request and so should not look it up each time. */
    public LongAdder counterCell(String name) {
        return counters.computeIfAbsent(name, k -> new LongAdder());
    }

    /** The gauge itself; see {@link #counterCell}. */
    public AtomicLong gaugeCell(String name) {
        return gauges.computeIfAbsent(name, k -> new AtomicLong());
    }

    public long counter(String name) {
        LongAdder a = counters.get(name);
        return a == null ? 0 : a.sum();
    }

    public Map<String, Long> counters() {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    public Map<String, Long> gauges() {
        Map<String, Long> out = new TreeMap<>();
        gauges.forEach((k, v) -> out.put(k, v.get()));
        computed.forEach((k, v) -> out.put(k, v.getAsLong()));
        return out;
    }
}
