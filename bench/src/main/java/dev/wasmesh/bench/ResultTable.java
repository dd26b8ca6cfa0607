package dev.wasmesh.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Prints JMH CSV results as Markdown tables with the two hosts side by side, their ratio, and the targets from
 * bench/README.md. Usage: {@code ResultTable result.csv...}.
 */
public final class ResultTable {
    static final double SEED_COMPILER_TARGET_MICROS = 2.0;
    static final double SPEED_UP_TARGET = 2.0;

    /** Known benchmarks in the order they are printed, with their titles; others follow under their own name. */
    private static final Map<String, String> TITLES = new LinkedHashMap<>();

    static {
        TITLES.put(
                "RequestLifecycleBench",
                "Per-request lifecycle: create context, request headers, response " + "headers, done/log/delete");
        TITLES.put("InstantiationBench", "Worker start from a compiled module: instantiate, start-up, root context");
        TITLES.put("CompileBench", "Module load (parse, check, compile), once per fresh JVM");
    }

    private final List<JmhCsv.Row> rows;

    ResultTable(List<JmhCsv.Row> rows) {
        this.rows = rows;
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: ResultTable <jmh-result.csv>...");
            System.exit(2);
        }
        List<JmhCsv.Row> rows = new ArrayList<>();
        try {
            for (String arg : args) {
                rows.addAll(JmhCsv.read(Path.of(arg)));
            }
        } catch (IOException e) {
            System.err.println("ResultTable: " + e.getMessage());
            System.exit(1);
        }
        System.out.print(new ResultTable(rows).render());
    }

    String render() {
        StringBuilder out = new StringBuilder();
        Map<String, List<JmhCsv.Row>> byClass = new LinkedHashMap<>();
        TITLES.keySet().forEach(cls -> byClass.put(cls, new ArrayList<>()));
        for (JmhCsv.Row r : rows) {
            byClass.computeIfAbsent(r.benchmarkClass(), k -> new ArrayList<>()).add(r);
        }
        byClass.forEach((cls, classRows) -> {
            if (!classRows.isEmpty()) {
                section(out, cls, classRows);
            }
        });
        targets(out);
        return out.toString();
    }

    private void section(StringBuilder out, String cls, List<JmhCsv.Row> classRows) {
        String unit = classRows.get(0).unit();
        out.append("### ")
                .append(TITLES.getOrDefault(cls, cls))
                .append(" (")
                .append(cls)
                .append(", ")
                .append(unit)
                .append(", lower is better)\n\n");
        out.append("| filter | engine | wasmesh | roastedroot 0.0.5 | roastedroot ÷ wasmesh |\n");
        out.append("|---|---|---:|---:|---:|\n");
        Map<String, JmhCsv.Row[]> byCase = new LinkedHashMap<>();
        for (JmhCsv.Row r : classRows) {
            JmhCsv.Row[] pair =
                    byCase.computeIfAbsent(r.param("filter") + " | " + r.param("engine"), k -> new JmhCsv.Row[2]);
            pair["wasmesh".equals(r.method()) ? 0 : 1] = r;
        }
        byCase.forEach((key, pair) -> out.append("| ")
                .append(key)
                .append(" | ")
                .append(cell(pair[0]))
                .append(" | ")
                .append(cell(pair[1]))
                .append(" | ")
                .append(pair[0] != null && pair[1] != null ? ratio(pair[1].score() / pair[0].score()) : "—")
                .append(" |\n"));
        out.append('\n');
    }

    private void targets(StringBuilder out) {
        Optional<JmhCsv.Row> seed = find("RequestLifecycleBench", "wasmesh");
        Optional<JmhCsv.Row> other = find("RequestLifecycleBench", "roastedroot");
        if (seed.isEmpty()) {
            return;
        }
        out.append("### Targets\n\n");
        double micros = seed.get().score();
        out.append(String.format(
                Locale.ROOT,
                "- seed lifecycle on the compiler ≤ %.0f µs: %s µs — %s%n",
                SEED_COMPILER_TARGET_MICROS,
                number(micros),
                micros <= SEED_COMPILER_TARGET_MICROS ? "met" : "missed"));
        if (other.isPresent()) {
            double speedUp = other.get().score() / micros;
            out.append(String.format(
                    Locale.ROOT,
                    "- wasmesh at least %.0f× faster than roastedroot (seed, compiler): " + "%s — %s%n",
                    SPEED_UP_TARGET,
                    ratio(speedUp),
                    speedUp >= SPEED_UP_TARGET ? "met" : "missed"));
        }
        out.append('\n');
    }

    private Optional<JmhCsv.Row> find(String cls, String method) {
        return rows.stream()
                .filter(r -> r.benchmarkClass().equals(cls)
                        && r.method().equals(method)
                        && r.param("filter").equals("SEED")
                        && r.param("engine").equals("COMPILER")
                        && r.unit().equals("us/op"))
                .findFirst();
    }

    private static String cell(JmhCsv.Row r) {
        if (r == null) {
            return "—";
        }
        return Double.isNaN(r.error()) ? number(r.score()) : number(r.score()) + " ± " + number(r.error());
    }

    static String number(double v) {
        return String.format(Locale.ROOT, v < 10 ? "%.3f" : v < 100 ? "%.2f" : "%.1f", v);
    }

    static String ratio(double v) {
        return String.format(Locale.ROOT, "%.2f×", v);
    }
}
