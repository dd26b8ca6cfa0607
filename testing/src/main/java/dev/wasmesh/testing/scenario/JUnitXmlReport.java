package dev.wasmesh.testing.scenario;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Writes scenario outcomes in the JUnit XML format CI systems read: one testsuite per file, one testcase per
 * scenario; a malformed file is a testcase with an error.
 */
public final class JUnitXmlReport {
    private JUnitXmlReport() {}

    public static void write(Path target, List<FileOutcome> outcomes) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(target, render(outcomes));
    }

    static String render(List<FileOutcome> outcomes) {
        long tests = 0;
        long failures = 0;
        long errors = 0;
        Duration total = Duration.ZERO;
        StringBuilder suites = new StringBuilder();
        for (FileOutcome o : outcomes) {
            String file = o.file().toString();
            if (o.error() != null) {
                tests++;
                errors++;
                suites.append("  <testsuite name=\"")
                        .append(esc(file))
                        .append("\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\" time=\"0.000\">\n")
                        .append("    <testcase classname=\"")
                        .append(esc(file))
                        .append("\" name=\"")
                        .append(esc(o.file().getFileName().toString()))
                        .append("\" time=\"0.000\">\n")
                        .append("      <error type=\"MalformedScenario\" message=\"")
                        .append(esc(o.error().getMessage()))
                        .append("\"/>\n    </testcase>\n  </testsuite>\n");
                continue;
            }
            Duration time = o.results().stream().map(ScenarioResult::time).reduce(Duration.ZERO, Duration::plus);
            tests += o.results().size();
            failures += o.failed();
            total = total.plus(time);
            suites.append("  <testsuite name=\"")
                    .append(esc(file))
                    .append("\" tests=\"")
                    .append(o.results().size())
                    .append("\" failures=\"")
                    .append(o.failed())
                    .append("\" errors=\"0\" skipped=\"0\" time=\"")
                    .append(seconds(time))
                    .append("\">\n");
            for (ScenarioResult r : o.results()) {
                suites.append("    <testcase classname=\"")
                        .append(esc(file))
                        .append("\" name=\"")
                        .append(esc(r.scenario().name()))
                        .append("\" time=\"")
                        .append(seconds(r.time()))
                        .append('"');
                if (r.passed()) {
                    suites.append("/>\n");
                    continue;
                }
                suites.append(">\n      <failure type=\"ScenarioFailure\" message=\"")
                        .append(esc(r.details().get(0)))
                        .append("\">")
                        .append(esc(String.join("\n", r.details())))
                        .append("</failure>\n");
                if (!r.logTail().isEmpty()) {
                    suites.append("      <system-out>")
                            .append(esc(String.join("\n", r.logTail())))
                            .append("</system-out>\n");
                }
                suites.append("    </testcase>\n");
            }
            suites.append("  </testsuite>\n");
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"wasmesh test\" tests=\"" + tests
                + "\" failures=\"" + failures + "\" errors=\"" + errors + "\" time=\"" + seconds(total) + "\">\n"
                + suites + "</testsuites>\n";
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.3f", d.toNanos() / 1e9);
    }

    /** Escapes for attributes and text; characters XML 1.0 cannot carry become U+FFFD. */
    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> b.append(c < 0x20 && c != '\n' && c != '\r' && c != '\t' ? '\uFFFD' : c);
            }
        }
        return b.toString();
    }
}
