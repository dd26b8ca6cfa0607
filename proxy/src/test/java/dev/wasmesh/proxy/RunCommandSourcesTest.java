package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.proxy.cli.RunCommand;
import dev.wasmesh.proxy.config.ModuleSources;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What {@code wasmesh run} says about where its filter comes from, before it fetches it. */
class RunCommandSourcesTest {
    /** Runs the command in-process; this module has no http:// source, so the fetch fails after the checks. */
    private static String stderrOf(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        RunCommand cmd = new RunCommand(
                new ModuleSources(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(new CommandLine(cmd).execute(args)).isEqualTo(1);
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aPlainHttpFilterWithoutSha256GetsOneWarningLineNamingTheRiskAndTheFix() {
        String err = stderrOf("http://127.0.0.1:9/filter.wasm", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0");
        assertThat(err.lines().filter(l -> l.contains("warning")))
                .singleElement()
                .asString()
                .contains("http://127.0.0.1:9/filter.wasm")
                .contains("plain HTTP")
                .contains("--sha256");
    }

    @Test
    void aPinnedOrHttpsFilterGetsNoWarning() {
        assertThat(stderrOf(
                        "http://127.0.0.1:9/filter.wasm",
                        "--sha256",
                        "ab".repeat(32),
                        "--listen",
                        "127.0.0.1:0",
                        "--admin",
                        "127.0.0.1:0"))
                .doesNotContain("warning");
        assertThat(stderrOf("https://127.0.0.1:9/filter.wasm", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0"))
                .doesNotContain("warning");
    }
}
