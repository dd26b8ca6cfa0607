package dev.wasmesh.host.shared;

import dev.wasmesh.host.GuestLimits;
import dev.wasmesh.host.abi.AbiException;
import dev.wasmesh.host.abi.MetricType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Process-wide custom metrics defined by filters. The same name and type always yield the same id, so the VMs of
 * every worker add to one stat, as Envoy's stats store does. Ids carry the type in their low two bits.
 */
public final class Metrics {
    /** One metric and its current value(s). */
    public static final class Metric {
        private final int id;
        private final MetricType type;
        private final String name;
        private final AtomicLong value = new AtomicLong();
        private final List<Long> samples = Collections.synchronizedList(new ArrayList<>());
        private final LongAdder sampleCount = new LongAdder();

        Metric(int id, MetricType type, String name) {
            this.id = id;
            this.type = type;
            this.name = name;
        }

        public int id() {
            return id;
        }

        public MetricType type() {
            return type;
        }

        public String name() {
            return name;
        }

        /** Counter or gauge value; for a histogram, the number of recorded samples. */
        public long value() {
            return type == MetricType.HISTOGRAM ? sampleCount.sum() : value.get();
        }

        /** The most recent histogram samples (at most {@value #MAX_SAMPLES}). */
        public List<Long> samples() {
            synchronized (samples) {
                return List.copyOf(samples);
            }
        }
    }

    static final int MAX_SAMPLES = GuestLimits.HISTOGRAM_SAMPLES;

    private final Map<String, Metric> byName = new ConcurrentHashMap<>();
    private final Map<Integer, Metric> byId = new ConcurrentHashMap<>();
    private final AtomicInteger nextIndex = new AtomicInteger(1);

    public Metric define(MetricType type, String name) {
        return byName.computeIfAbsent(type.ordinal() + ":" + name, k -> {
            Metric m = new Metric((nextIndex.getAndIncrement() << 2) | type.ordinal(), type, name);
            byId.put(m.id, m);
            return m;
        });
    }

    private Metric require(int id) {
        Metric m = byId.get(id);
        if (m == null) {
            throw AbiException.NOT_FOUND;
        }
        return m;
    }

    /** Counter: adds a positive offset; gauge: adds or subtracts; histogram: BAD_ARGUMENT (as Envoy). */
    public void increment(int id, long offset) {
        Metric m = require(id);
        switch (m.type) {
            case COUNTER:
                if (offset <= 0) {
                    throw AbiException.BAD_ARGUMENT;
                }
                m.value.addAndGet(offset);
                break;
            case GAUGE:
                m.value.addAndGet(offset);
                break;
            default:
                throw AbiException.BAD_ARGUMENT;
        }
    }

    /** Counter: adds; gauge: sets; histogram: records a sample (as Envoy). */
    public void record(int id, long value) {
        Metric m = require(id);
        switch (m.type) {
            case COUNTER:
                m.value.addAndGet(value);
                break;
            case GAUGE:
                m.value.set(value);
                break;
            default:
                m.sampleCount.increment();
                synchronized (m.samples) {
                    if (m.samples.size() == MAX_SAMPLES) {
                        m.samples.remove(0);
                    }
                    m.samples.add(value);
                }
        }
    }

    /** Counter and gauge values; a histogram has none to read (BAD_ARGUMENT, as Envoy). */
    public long get(int id) {
        Metric m = require(id);
        if (m.type == MetricType.HISTOGRAM) {
            throw AbiException.BAD_ARGUMENT;
        }
        return m.value.get();
    }

    public List<Metric> all() {
        List<Metric> list = new ArrayList<>(byId.values());
        list.sort((a, b) -> a.name.compareTo(b.name));
        return list;
    }

    public java.util.Optional<Metric> find(String name) {
        return all().stream().filter(m -> m.name.equals(name)).findFirst();
    }
}
