package dev.wasmesh.cli;

import dev.wasmesh.testsupport.ProxyProcess;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs wasmesh as a user would: a separate JVM on the test classpath, with its own environment and directory. */
public final class Cli {
    private final Map<String, String> environment = new HashMap<>();
    private Path workingDirectory = Path.of(".").toAbsolutePath();
    private long timeoutSeconds = 120;

    public static Cli wasmesh() {
        return new Cli();
    }

    public Cli env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    public Cli in(Path dir) {
        workingDirectory = dir;
        return this;
    }

    public Cli timeout(long seconds) {
        timeoutSeconds = seconds;
        return this;
    }

    /** The java launcher and classpath that run {@link Wasmesh} in a fresh process. */
    public static List<String> javaCommand() {
        return ProxyProcess.javaCommand(List.of(), Wasmesh.class.getName());
    }

    /** {@code wasmesh run ARGS…} in {@code dir} as a process of its own, once it is ready. */
    public static ProxyProcess runProxy(Path dir, String... args) throws Exception {
        return ProxyProcess.run(javaCommand(), dir, args);
    }

    public Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(javaCommand());
        command.addAll(List.of(args));
        Path stdout = Files.createTempFile("wasmesh-out", ".txt");
        Path stderr = Files.createTempFile("wasmesh-err", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workingDirectory.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError(
                        "wasmesh " + String.join(" ", args) + " did not finish in " + timeoutSeconds + " s");
            }
            return new Result(
                    process.exitValue(),
                    Files.readString(stdout, StandardCharsets.UTF_8),
                    Files.readString(stderr, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }

    /** What the process left behind; {@link #toString()} shows everything when an assertion fails. */
    public record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
        }
    }
}
