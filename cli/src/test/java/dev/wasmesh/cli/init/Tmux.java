package dev.wasmesh.cli.init;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A private tmux server with one pane running a command, driven like a person at a terminal. */
final class Tmux implements AutoCloseable {
    private static final Pattern EXIT = Pattern.compile("\\[exit (\\d+)]");
    /** A socket of its own, in a directory it removes, so nothing is left in tmux's shared directory. */
    private final Path socketDir = Files.createTempDirectory("wasmesh-tmux");

    private static final String PANE = "main";

    /**
     * Starts {@code command} in a 100x30 pane. A shell around it prints "[exit N]" when it ends (tmux
     * 3.3 does not always record a pane's exit status); its INT trap keeps the shell alive through a
     * Ctrl-C, which the command itself still receives.
     */
    Tmux(List<String> command) throws IOException, InterruptedException {
        tmux("new-session", "-d", "-s", PANE, "-x", "100", "-y", "30");
        tmux("set-option", "-t", PANE, "remain-on-exit", "on");
        String quoted = String.join(" ", command.stream().map(Tmux::quote).toList());
        tmux("respawn-pane", "-k", "-t", PANE, "trap true INT; " + quoted + "; echo \"[exit $?]\"");
    }

    void keys(String... keys) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", PANE));
        args.addAll(List.of(keys));
        tmux(args.toArray(String[]::new));
    }

    void type(String text) throws IOException, InterruptedException {
        tmux("send-keys", "-t", PANE, "-l", text);
    }

    String screen() throws IOException, InterruptedException {
        return tmux("capture-pane", "-p", "-t", PANE);
    }

    /** The screen with its colour and style escape sequences. */
    String screenWithEscapes() throws IOException, InterruptedException {
        return tmux("capture-pane", "-p", "-e", "-t", PANE);
    }

    /** Waits until the screen satisfies {@code condition}; fails with the screen's content after {@code timeout}. */
    String awaitScreen(Predicate<String> condition, Duration timeout, String what)
            throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        String screen = screen();
        while (!condition.test(screen)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting for " + what + "; screen:\n" + screen);
            }
            Thread.sleep(100);
            screen = screen();
        }
        return screen;
    }

    /** The command's exit status, once the screen shows it. */
    int awaitExit(Duration timeout) throws IOException, InterruptedException {
        String screen = awaitScreen(s -> EXIT.matcher(s).find(), timeout, "the command to end");
        Matcher exit = EXIT.matcher(screen);
        if (!exit.find()) {
            throw new AssertionError("no exit status on screen:\n" + screen);
        }
        return Integer.parseInt(exit.group(1));
    }

    @Override
    public void close() throws IOException {
        try {
            tmux("kill-server");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping tmux", e);
        } finally {
            Files.deleteIfExists(socketDir.resolve("socket"));
            Files.deleteIfExists(socketDir);
        }
    }

    private String tmux(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(
                List.of("tmux", "-S", socketDir.resolve("socket").toString(), "-f", "/dev/null"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("tmux " + String.join(" ", args) + " failed: " + output);
        }
        return output;
    }

    private static String quote(String arg) {
        return "'" + arg.replace("'", "'\\''") + "'";
    }
}
