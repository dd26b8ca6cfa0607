package dev.wasmesh.proxy.stats;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Renders a filter's histogram. The host keeps the most recent samples, so quantiles and buckets describe those;
 * the count is exact.
 */
public final class Histogram {
    /** Envoy's default bucket bounds. */
    private static final double[] BOUNDS = {
        0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000
    };

    private static final double[] QUANTILES = {0, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 100};

    private Histogram() {}

    /** Envoy's /stats form: {@code P0(interval,cumulative) P25(...) ...}. */
    public static String envoyText(List<Long> samples) {
        if (samples.isEmpty()) {
            return "No recorded values";
        }
        List<Long> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        StringBuilder sb = new StringBuilder();
        for (double q : QUANTILES) {
            long v = sorted.get((int) Math.min(sorted.size() - 1, Math.floor(q / 100 * sorted.size())));
            if (sb.length() > 0) {
                sb.append(' ');
            }
            String label = q == Math.rint(q) ? Long.toString((long) q) : Double.toString(q);
            sb.append('P')
                    .append(label)
                    .append('(')
                    .append(v)
                    .append(',')
                    .append(v)
                    .append(')');
        }
        return sb.toString();
    }

    /** The series of one histogram; {@code labels} are its tags ({@code a="b",...}, or empty). */
    static void prometheus(StringBuilder sb, String name, String labels, long count, List<Long> samples) {
        String prefix = labels.isEmpty() ? "" : labels + ",";
        String own = labels.isEmpty() ? "" : "{" + labels + "}";
        long sum = 0;
        for (long s : samples) {
            sum += s;
        }
        for (double b : BOUNDS) {
            long n = samples.stream().filter(s -> s <= b).count();
            sb.append(name)
                    .append("_bucket{")
                    .append(prefix)
                    .append("le=\"")
                    .append(b == Math.rint(b) ? Long.toString((long) b) : b)
                    .append("\"} ")
                    .append(n)
                    .append('\n');
        }
        sb.append(name)
                .append("_bucket{")
                .append(prefix)
                .append("le=\"+Inf\"} ")
                .append(count)
                .append('\n');
        sb.append(name).append("_sum").append(own).append(' ').append(sum).append('\n');
        sb.append(name).append("_count").append(own).append(' ').append(count).append('\n');
    }
}
