package dev.wasmesh.proxy;

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
 * {@code wasmesh …} (the proxy module's own main, on this module's classpath) as a real process, its stdout and
 * stderr read together as they come; {@link #close} kills it if the test did not stop it.
 */
final class RunProcess implements AutoCloseable {
    private static final Pattern READY = Pattern.compile(
            "listening on https?://([0-9.]+:\\d+)(?: \\(TLS: [^)]*\\))?(?:, admin http://([0-9.]+:\\d+))?");

    private final Process process;
    private final Thread reader;
    private final StringBuilder output = new StringBuilder();
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private String listen;
    private String admin;

    private RunProcess(Process process) {
        this.process = process;
        reader = new Thread(this::readOutput, "run-process-output");
        reader.setDaemon(true);
        reader.start();
    }

    static RunProcess start(String... args) throws IOException {
        return start(List.of(), args);
    }

    /** @param jvm options for the process's JVM, such as {@code -Dwasmesh.transport=epoll} */
    static RunProcess start(List<String> jvm, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvm);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.wasmesh.proxy.cli.ProxyMain"));
        cmd.addAll(List.of(args));
        return new RunProcess(new ProcessBuilder(cmd).redirectErrorStream(true).start());
    }

    /** {@code wasmesh run ARGS} with one worker on free loopback ports, once it has printed its ready line. */
    static RunProcess run(String... args) throws Exception {
        return run(List.of(), args);
    }

    static RunProcess run(List<String> jvm, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("run"));
        all.addAll(List.of(args));
        all.addAll(List.of("--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--workers", "1"));
        RunProcess p = start(jvm, all.toArray(String[]::new));
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
    }

    /** Everything the process printed so far. */
    String output() {
        synchronized (output) {
            return output.toString();
        }
    }

    /** Waits (bounded) until the output contains {@code text}. */
    boolean awaitOutput(String text, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        synchronized (output) {
            while (output.indexOf(text) < 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                output.wait(left);
            }
            return true;
        }
    }

    /** Waits for the ready line and learns the listener's and the admin's addresses from it. */
    String awaitReady() throws InterruptedException {
        if (!awaitOutput("wasmesh proxy ready", Duration.ofSeconds(30))) {
            throw new AssertionError("no ready line; output:\n" + output());
        }
        String line = output().lines()
                .filter(l -> l.contains("wasmesh proxy ready"))
                .findFirst()
                .orElseThrow();
        Matcher m = READY.matcher(line);
        if (!m.find()) {
            throw new AssertionError("unexpected ready line: " + line);
        }
        listen = m.group(1);
        admin = m.group(2);
        return line;
    }

    /** The listener's HOST:PORT. */
    String listen() {
        return listen;
    }

    URI uri(String path) {
        return URI.create("http://" + listen + path);
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        return send(uri(path), headers);
    }

    HttpResponse<String> adminGet(String path) throws Exception {
        return send(URI.create("http://" + admin + path));
    }

    private HttpResponse<String> send(URI uri, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** SIGTERM, as an orchestrator stops a proxy; unlike {@link Process#destroy} it keeps the output readable. */
    void sigterm() {
        process.toHandle().destroy();
    }

    /** Waits (bounded) for the process to exit and its output to be read, and returns its exit code. */
    int awaitExit() throws InterruptedException {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("still running; output:\n" + output());
        }
        reader.join(10_000);
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
