package dev.wasmesh.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultTableTest {
    private static final String HEADER = "\"Benchmark\",\"Mode\",\"Threads\",\"Samples\",\"Score\","
            + "\"Score Error (99.9%)\",\"Unit\",\"Param: engine\",\"Param: filter\"\n";

    @TempDir
    Path dir;

    private Path csv(String body) throws IOException {
        Path file = dir.resolve("result.csv");
        Files.writeString(file, HEADER + body);
        return file;
    }

    @Test
    void readsRowsWithTheirParams() throws IOException {
        List<JmhCsv.Row> rows = JmhCsv.read(
                csv("\"dev.wasmesh.bench.RequestLifecycleBench.wasmesh\",\"avgt\",1,5,0.250000,0.010000,\"us/op\","
                        + "COMPILER,SEED\n"));
        assertThat(rows).singleElement().satisfies(r -> {
            assertThat(r.benchmarkClass()).isEqualTo("RequestLifecycleBench");
            assertThat(r.method()).isEqualTo("wasmesh");
            assertThat(r.score()).isEqualTo(0.25);
            assertThat(r.error()).isEqualTo(0.01);
            assertThat(r.param("engine")).isEqualTo("COMPILER");
            assertThat(r.param("filter")).isEqualTo("SEED");
        });
    }

    @Test
    void putsTheHostsSideBySideWithTheirRatioAndJudgesTheTargets() throws IOException {
        String table = new ResultTable(
                        JmhCsv.read(csv("\"dev.wasmesh.bench.CompileBench.wasmesh\",\"ss\",1,3,42.000000,NaN,\"ms/op\","
                                + "INTERPRETER,SEED\n"
                                + "\"dev.wasmesh.bench.RequestLifecycleBench.wasmesh\",\"avgt\",1,5,0.250000,0.010000,"
                                + "\"us/op\",COMPILER,SEED\n"
                                + "\"dev.wasmesh.bench.RequestLifecycleBench.roastedroot\",\"avgt\",1,5,0.400000,0.020000,"
                                + "\"us/op\",COMPILER,SEED\n"
                                + "\"dev.wasmesh.bench.RequestLifecycleBench.wasmesh\",\"avgt\",1,5,6.000000,0.100000,"
                                + "\"us/op\",COMPILER,C_ALL\n")))
                .render();
        assertThat(table.indexOf("RequestLifecycleBench")).isLessThan(table.indexOf("CompileBench"));
        assertThat(table)
                .doesNotContain("InstantiationBench")
                .contains("| SEED | COMPILER | 0.250 ± 0.010 | 0.400 ± 0.020 | 1.60× |")
                .contains("| C_ALL | COMPILER | 6.000 ± 0.100 | — | — |")
                .contains("CompileBench, ms/op")
                .contains("| SEED | INTERPRETER | 42.00 | — | — |")
                .contains("- seed lifecycle on the compiler ≤ 2 µs: 0.250 µs — met")
                .contains("(seed, compiler): 1.60× — missed");
    }

    @Test
    void rejectsAFileThatIsNotJmhCsv() throws IOException {
        Path file = dir.resolve("other.csv");
        Files.writeString(file, "a,b,c\n1,2,3\n");
        assertThatThrownBy(() -> JmhCsv.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no \"Benchmark\" column");
    }

    @Test
    void splitsQuotedFields() {
        assertThat(JmhCsv.fields("\"a,b\",c,\"say \"\"hi\"\"\",")).containsExactly("a,b", "c", "say \"hi\"", "");
    }
}
