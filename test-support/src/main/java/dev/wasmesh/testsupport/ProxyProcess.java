package dev.wasmesh.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code wasmesh} command (the proxy module's own main or the whole CLI's) as a real process: its stdout and stderr
 * read together as they come, the listener's and the admin's addresses learnt from its ready line. {@link #close}
 * kills it if the test did not stop it.
 */
public final class ProxyProcess implements AutoCloseable {
    private static final String READY_TEXT = "wasmesh proxy ready";
    private static final Pattern READY = Pattern.compile(
            "listening on https?://([0-9.]+):(\\d+)(?: \\(TLS: [^)]*\\))?(?:, admin http://([0-9.]+:\\d+))?");

    private final Process process;
    private final Thread reader;
    private final StringBuilder output = new StringBuilder();
    /** The output has ended: the process closed it (it exited) or it was killed. Guarded by {@code output}. */
    private boolean ended;

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private String readyLine;
    private String listen;
    private int port;
    private String admin;

    private ProxyProcess(Process process) {
        this.process = process;
        reader = new Thread(this::readOutput, "proxy-process-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** {@code java [jvm…] -cp <this test's class path> mainClass}: a command line of this build, run in a new JVM. */
    public static List<String> javaCommand(List<String> jvm, String mainClass) {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvm);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        return command;
    }

    /** Starts {@code command args…} in {@code dir}; nothing is awaited. */
    public static ProxyProcess start(List<String> command, Path dir, String... args) throws IOException {
        List<String> all = new ArrayList<>(command);
        all.addAll(List.of(args));
        return new ProxyProcess(new ProcessBuilder(all)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start());
    }

    /**
     * {@code command run args…} with one worker on free loopback ports (the listener and the admin), once it has
     * printed its ready line.
     */
    public static ProxyProcess run(List<String> command, Path dir, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("run"));
        all.addAll(List.of(args));
        all.addAll(List.of("--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--workers", "1"));
        ProxyProcess p = start(command, dir, all.toArray(String[]::new));
        try {
            p.awaitReady();
        } catch (RuntimeException | Error | InterruptedException e) {
            p.close();
            throw e;
        }
        return p;
    }

    private void readOutput() {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                synchronized (output) {
                    output.append(line).append('\n');
                    output.notifyAll();
                }
            }
        } catch (IOException e) {
            // The stream was closed as the process was killed: there is nothing more to read.
        }
        synchronized (output) {
            ended = true;
            output.notifyAll();
        }
    }

    /** Everything the process printed so far. */
    public String output() {
        synchronized (output) {
            return output.toString();
        }
    }

    /** Waits (bounded) until the output contains {@code text}; false if it ends or the time runs out first. */
    public boolean awaitOutput(String text, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        synchronized (output) {
            while (output.indexOf(text) < 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
                if (left <= 0 || ended) {
                    return false;
                }
                output.wait(left);
            }
            return true;
        }
    }

    /** Waits (up to two minutes: a cold compile of a large module) for the ready line and learns the addresses. */
    public String awaitReady() throws InterruptedException {
        if (!awaitOutput(READY_TEXT, Duration.ofMinutes(2))) {
            throw new AssertionError("no ready line; output:\n" + output());
        }
        String line =
                output().lines().filter(l -> l.contains(READY_TEXT)).findFirst().orElseThrow();
        Matcher m = READY.matcher(line);
        if (!m.find()) {
            throw new AssertionError("unexpected ready line: " + line);
        }
        readyLine = line;
        listen = m.group(1) + ":" + m.group(2);
        port = Integer.parseInt(m.group(2));
        admin = m.group(3);
        return line;
    }

    public String readyLine() {
        return readyLine;
    }

    /** The listener's HOST:PORT. */
    public String listen() {
        return listen;
    }

    public int port() {
        return port;
    }

    public URI uri(String path) {
        return URI.create("http://" + listen + path);
    }

    /** GET {@code path} through the proxy over HTTP/1.1, with {@code headers} as name, value, … */
    public HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        return send(uri(path), headers);
    }

    public HttpResponse<String> adminGet(String path) throws IOException, InterruptedException {
        return send(URI.create("http://" + admin + path));
    }

    private HttpResponse<String> send(URI uri, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** SIGTERM, as an orchestrator stops a proxy; unlike {@link Process#destroy} it keeps the output readable. */
    public void sigterm() {
        process.toHandle().destroy();
    }

    /** Waits (bounded) for the process to exit and its output to be read, and returns its exit code. */
    public int awaitExit() throws InterruptedException {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("still running; output:\n" + output());
        }
        reader.join(10_000);
        return process.exitValue();
    }

    /** SIGTERM, then SIGKILL after 5 s; an interrupted test still leaves no proxy running. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
