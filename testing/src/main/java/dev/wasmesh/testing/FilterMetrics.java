package dev.wasmesh.testing;

import dev.wasmesh.host.abi.MetricType;
import dev.wasmesh.host.shared.Metrics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.stream.Collectors;

/** The custom metrics filters defined, read by name and type. */
public final class FilterMetrics {
    private final Metrics metrics;

    FilterMetrics(Metrics metrics) {
        this.metrics = metrics;
    }

    /** The value of counter {@code name}. @throws NoSuchElementException if no such counter was defined */
    public long counter(String name) {
        return require(MetricType.COUNTER, name).value();
    }

    /** The value of gauge {@code name}. @throws NoSuchElementException if no such gauge was defined */
    public long gauge(String name) {
        return require(MetricType.GAUGE, name).value();
    }

    /** The recorded samples of histogram {@code name}, oldest first (the most recent 1000). */
    public List<Long> histogram(String name) {
        return require(MetricType.HISTOGRAM, name).samples();
    }

    /** A metric of any type; for a histogram {@link Metrics.Metric#value()} is its sample count. */
    public Optional<Metrics.Metric> find(String name) {
        return metrics.find(name);
    }

    /** Every defined metric's value (histograms: sample count), by name. */
    public Map<String, Long> values() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Metrics.Metric m : metrics.all()) {
            out.put(m.name(), m.value());
        }
        return out;
    }

    private Metrics.Metric require(MetricType type, String name) {
        return metrics.all().stream()
                .filter(m -> m.type() == type && m.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new NoSuchElementException(
                        "no " + type.name().toLowerCase() + " named '" + name + "' (defined: " + describe() + ")"));
    }

    private String describe() {
        List<Metrics.Metric> all = metrics.all();
        if (all.isEmpty()) {
            return "none";
        }
        return all.stream()
                .map(m -> m.name() + " (" + m.type().name().toLowerCase() + ")")
                .collect(Collectors.joining(", "));
    }
}
