package dev.wasmesh.cli;

import static dev.wasmesh.cli.Cli.wasmesh;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.cli.Cli.Result;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliBasicsTest {
    @Test
    void helpListsTheCommandsAndTheExitCodes() throws Exception {
        Result result = wasmesh().run("--help");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout())
                .contains("Usage: wasmesh", "init", "build", "inspect", "test", "completion")
                .contains("Exit codes:", "3     a required tool is not installed")
                .contains("Examples:");
    }

    @Test
    void everyCommandHasHelpWithExamples() throws Exception {
        for (String command :
                new String[] {"init", "build", "inspect", "test", "run", "echo", "push", "pull", "cache", "completion"
                }) {
            Result result = wasmesh().run(command, "--help");

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.stdout()).as(command).contains("Usage: wasmesh " + command, "Examples:", "Exit codes:");
            assertThat(wasmesh().run(command, "--version").stdout()).as(command).startsWith("wasmesh ");
        }
    }

    @Test
    void versionNamesTheRelease() throws Exception {
        Result result = wasmesh().run("--version");

        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).startsWith("wasmesh ").doesNotContain("unknown");
    }

    @Test
    void noCommandOrAnUnknownOneIsAUsageError() throws Exception {
        Result none = wasmesh().run();
        Result unknown = wasmesh().run("frobnicate");

        assertThat(none.exitCode()).as(none.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(none.stderr()).contains("missing command", "Usage: wasmesh");
        assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(unknown.stderr()).contains("frobnicate");
    }

    @Test
    void completionPrintsABashScriptCoveringSubcommandsAndLanguages() throws Exception {
        Result result = wasmesh().run("completion");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).contains("complete -F", "wasmesh", "init", "build", "--language", "assemblyscript");
    }

    @Test
    void theCompletionScriptLoadsInBash(@TempDir Path tmp) throws Exception {
        Path script = Files.writeString(
                tmp.resolve("wasmesh.bash"), wasmesh().run("completion").stdout());
        Process bash = new ProcessBuilder(
                        "bash", "-c", "source \"$1\" && complete -p wasmesh", "bash", script.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(bash.waitFor()).as(output).isZero();
        assertThat(output).contains("-F _complete_wasmesh wasmesh");
    }

    @Test
    void outputWithoutATerminalHasNoColourCodes() throws Exception {
        Result result = wasmesh().run("--help");

        assertThat(result.stdout()).doesNotContain("\u001b[");
    }
}
