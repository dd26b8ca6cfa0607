package dev.wasmesh.proxy.stats;

import dev.wasmesh.proxy.config.StatsTag;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;

/**
 * Envoy's Prometheus output: each stat's name goes through tag extraction (the fixed tags and regexes of
 * {@code stats_config.stats_tags}, then Envoy's default rules for the stats wasmesh has), the tags become labels,
 * what is left of the name becomes the metric's name ({@code envoy_} in front, except for the custom
 * {@code wasmcustom} namespace, which is dropped), and the series of one metric share one {@code # TYPE} line,
 * metrics sorted by name.
 */
public final class Prometheus {
    /** The custom namespace Envoy puts filter metrics in. */
    public static final String CUSTOM_NAMESPACE = "wasmcustom.";

    /**
     * Envoy's default tag extractors for the stats wasmesh keeps, by tag name: those without a fixed prefix first,
     * as Envoy applies them.
     */
    private static final List<StatsTag> DEFAULT_TAGS = List.of(
            StatsTag.regex("envoy.response_code", "_rq(_(\\d{3}))$"),
            StatsTag.regex("envoy.response_code_class", "_rq_((\\d))xx$"),
            StatsTag.regex("envoy.cluster_name", "^cluster\\.(([^.]+)\\.)"),
            StatsTag.regex("envoy.http_conn_manager_prefix", "^http\\.(([^.]+)\\.)"),
            StatsTag.regex(
                    "envoy.listener_address", "^listener\\.((?!admin\\.)((?:[_.\\d]*|[_\\[\\]a-fA-F\\d]*))\\.)"));

    private final List<StatsTag> tags = new ArrayList<>();

    public Prometheus(List<StatsTag> configured, boolean useDefaults) {
        tags.addAll(configured);
        if (useDefaults) {
            for (StatsTag d : DEFAULT_TAGS) {
                if (configured.stream().noneMatch(t -> t.name().equals(d.name()))) {
                    tags.add(d);
                }
            }
        }
    }

    /** A stat's name after tag extraction, and its tags as Prometheus labels ({@code name="value",...}). */
    record Tagged(String name, String labels) {}

    Tagged extract(String stat) {
        StringBuilder labels = new StringBuilder();
        TreeSet<int[]> remove = new TreeSet<>((a, b) -> a[0] != b[0] ? a[0] - b[0] : a[1] - b[1]);
        for (StatsTag t : tags) {
            if (t.fixedValue() != null) {
                label(labels, t.name(), t.fixedValue());
            }
        }
        for (StatsTag t : tags) {
            if (t.regex() == null) {
                continue;
            }
            Matcher m = t.regex().matcher(stat);
            if (!m.find() || m.groupCount() < 1 || m.start(1) < 0) {
                continue;
            }
            int valueGroup = m.groupCount() >= 2 && m.start(2) >= 0 ? 2 : 1;
            label(labels, t.name(), m.group(valueGroup));
            remove.add(new int[] {m.start(1), m.end(1)});
        }
        StringBuilder name = new StringBuilder();
        int pos = 0;
        for (int[] r : remove) {
            if (r[0] > pos) {
                name.append(stat, pos, r[0]);
            }
            pos = Math.max(pos, r[1]);
        }
        name.append(stat.substring(Math.min(pos, stat.length())));
        return new Tagged(name.toString(), labels.toString());
    }

    private static void label(StringBuilder labels, String name, String value) {
        if (labels.length() > 0) {
            labels.append(',');
        }
        labels.append(sanitize(name)).append("=\"").append(escape(value)).append('"');
    }

    /** The metric name Envoy exports for a tag-extracted stat name. */
    static String metricName(String extracted) {
        return extracted.startsWith(CUSTOM_NAMESPACE)
                ? sanitize(extracted.substring(CUSTOM_NAMESPACE.length()))
                : "envoy_" + sanitize(extracted);
    }

    static String sanitize(String name) {
        return name.replaceAll("[^a-zA-Z0-9_]", "_");
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** Collects series and writes them grouped by metric. */
    public final class Output {
        private final Map<String, String> types = new TreeMap<>();
        private final Map<String, StringBuilder> series = new TreeMap<>();

        public void sample(String stat, String type, long value) {
            Tagged t = extract(stat);
            String name = metricName(t.name());
            StringBuilder sb = family(name, type);
            sb.append(name);
            if (!t.labels().isEmpty()) {
                sb.append('{').append(t.labels()).append('}');
            }
            sb.append(' ').append(value).append('\n');
        }

        public void histogram(String stat, long count, List<Long> samples) {
            Tagged t = extract(stat);
            String name = metricName(t.name());
            Histogram.prometheus(family(name, "histogram"), name, t.labels(), count, samples);
        }

        private StringBuilder family(String name, String type) {
            types.putIfAbsent(name, type);
            return series.computeIfAbsent(name, n -> new StringBuilder());
        }

        public String text() {
            StringBuilder sb = new StringBuilder();
            series.forEach((name, lines) -> sb.append("# TYPE ")
                    .append(name)
                    .append(' ')
                    .append(types.get(name))
                    .append('\n')
                    .append(lines));
            return sb.toString();
        }
    }

    public Output output() {
        return new Output();
    }
}
