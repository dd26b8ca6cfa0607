package dev.wasmesh.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads the rows of a JMH result file written with {@code -rf csv}. */
final class JmhCsv {
    /** One benchmark result: {@code benchmark} is the fully qualified method, params keyed by name. */
    record Row(String benchmark, double score, double error, String unit, Map<String, String> params) {
        String benchmarkClass() {
            String owner = benchmark.substring(0, benchmark.lastIndexOf('.'));
            return owner.substring(owner.lastIndexOf('.') + 1);
        }

        String method() {
            return benchmark.substring(benchmark.lastIndexOf('.') + 1);
        }

        String param(String name) {
            return params.getOrDefault(name, "");
        }
    }

    private static final String PARAM_PREFIX = "Param: ";

    private JmhCsv() {}

    static List<Row> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            throw new IOException(file + ": empty, not a JMH CSV result file");
        }
        List<String> header = fields(lines.get(0));
        int benchmark = column(file, header, "Benchmark");
        int score = column(file, header, "Score");
        int error = column(file, header, "Score Error (99.9%)");
        int unit = column(file, header, "Unit");
        List<Row> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            List<String> f = fields(line);
            if (f.size() != header.size()) {
                throw new IOException(file + ": a row has " + f.size() + " fields, the header " + header.size());
            }
            Map<String, String> params = new HashMap<>();
            for (int i = 0; i < header.size(); i++) {
                if (header.get(i).startsWith(PARAM_PREFIX) && !f.get(i).isEmpty()) {
                    params.put(header.get(i).substring(PARAM_PREFIX.length()), f.get(i));
                }
            }
            rows.add(new Row(
                    f.get(benchmark), number(file, f.get(score)), number(file, f.get(error)), f.get(unit), params));
        }
        return rows;
    }

    private static int column(Path file, List<String> header, String name) throws IOException {
        int i = header.indexOf(name);
        if (i < 0) {
            throw new IOException(file + ": no \"" + name + "\" column, not a JMH CSV result file");
        }
        return i;
    }

    private static double number(Path file, String text) throws IOException {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IOException(file + ": not a number: " + text, e);
        }
    }

    /** Splits one CSV line; fields may be quoted, with "" standing for a quote inside. */
    static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        out.add(field.toString());
        return out;
    }
}
