package dev.wasmesh.cli.build;

import dev.wasmesh.cli.CliException;
import dev.wasmesh.cli.ExitCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Runs the toolchain's processes. */
final class ProcessRunner {
    private ProcessRunner() {}

    /**
     * Runs a step with its output live on the user's terminal and returns its exit code. When stdout
     * is reserved for a JSON result, the step's stdout is copied to stderr instead.
     */
    static int run(BuildStep step, Path dir, boolean keepStdoutClean) {
        ProcessBuilder builder =
                new ProcessBuilder(step.command()).directory(dir.toFile()).inheritIO();
        builder.environment().putAll(step.environment());
        if (keepStdoutClean) {
            builder.redirectOutput(ProcessBuilder.Redirect.PIPE);
        }
        try {
            Process process = builder.start();
            if (keepStdoutClean) {
                copy(process.getInputStream(), System.err);
            }
            return process.waitFor();
        } catch (IOException e) {
            throw new CliException(ExitCode.TOOL_MISSING, "cannot run `" + step.display() + "`: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.INTERRUPTED, "interrupted while running `" + step.display() + "`", e);
        }
    }

    private static void copy(InputStream from, PrintStream to) throws IOException {
        byte[] buffer = new byte[8192];
        for (int n; (n = from.read(buffer)) > 0; ) {
            to.write(buffer, 0, n);
            to.flush();
        }
    }

    /** A short query such as {@code rustc --print sysroot}: its trimmed stdout, or empty if it could not run or failed. */
    static Optional<String> capture(List<String> command) {
        try {
            Process process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return process.waitFor() == 0 ? Optional.of(output) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
