package dev.wasmesh.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** {@code wasmesh run …} as a separate process on free loopback ports, stopped with SIGTERM when closed. */
public final class ProxyProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final String readyLine;

    private ProxyProcess(Process process, int port) throws Exception {
        this.process = process;
        this.port = port;
        this.readyLine = awaitReady();
    }

    /** Starts {@code wasmesh run FILTER ARGS…} in {@code dir} and waits until it says it is ready. */
    public static ProxyProcess run(Path dir, String filter, String... args) throws Exception {
        int port = freePort();
        List<String> command = new ArrayList<>(Cli.javaCommand());
        command.addAll(List.of("run", filter, "--listen", "127.0.0.1:" + port, "--admin", "127.0.0.1:" + freePort()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        try {
            return new ProxyProcess(process, port);
        } catch (Exception | AssertionError e) {
            process.destroyForcibly().waitFor();
            throw e;
        }
    }

    public String readyLine() {
        return readyLine;
    }

    public int port() {
        return port;
    }

    /** GET {@code path} through the proxy over HTTP/1.1. */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The proxy's ready line; what it printed before exiting instead is shown in the failure. */
    private String awaitReady() throws Exception {
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            StringBuilder seen = new StringBuilder();
            try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    seen.append(line).append('\n');
                    if (line.contains("ready")) {
                        return line;
                    }
                }
            } catch (IOException e) {
                seen.append(e);
            }
            throw new AssertionError("the proxy exited before it was ready:\n" + seen);
        });
        try {
            return ready.get(120, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AssertionError a) {
                throw a;
            }
            throw e;
        }
    }

    /** SIGTERM, then SIGKILL after 20 s; an interrupted test still leaves no proxy running. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
