package dev.wasmesh.deploy.istio;

import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The CRUD mock server cannot exec, so this dispatcher answers the exec websocket itself, speaking the v4 channel
 * protocol as the API server does: stdin until the client closes the stream, which also loses the exit status. Each
 * pod container gets a directory of its own as its file system, and a tiny shell that knows the commands a tar copy
 * and a removal run: {@code sh -c "mkdir -p D && cat > T"} (the file lands a moment after the stream closed, as a
 * container still writing it would), {@code sh -c "wc -c < T"}, {@code sh -c "tar -C D -xmf T; e=$?; rm -f T; exit
 * $e"} (unpacked by the real {@code tar}) and {@code rm -f F}. Kinds a test took out are answered 404, as by an API
 * server without their CRD. Everything else goes to the CRUD mock.
 */
final class FakePodShells extends KubernetesMixedDispatcher implements AutoCloseable {
    private static final Pattern EXEC = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/]+)/exec\\?(.*)");
    private static final Pattern CAT = Pattern.compile("mkdir -p '[^']*' && cat > '([^']+)'");
    private static final Pattern WC = Pattern.compile("wc -c < '([^']+)'");
    private static final Pattern UNTAR =
            Pattern.compile("tar -C '([^']+)' -xmf '([^']+)'; e=\\$\\?; rm -f '\\2'; exit \\$e");
    private static final long LANDING_MILLIS = 150;
    private static final byte STDOUT = 1;
    private static final byte STDERR = 2;
    private static final byte STATUS = 3;

    private final Path root;
    private final List<String> commands = Collections.synchronizedList(new ArrayList<>());
    private final List<Pattern> unserved = new CopyOnWriteArrayList<>();
    private final List<String> readOnly = new CopyOnWriteArrayList<>();

    FakePodShells(Map<ServerRequest, Queue<ServerResponse>> responses) {
        super(responses);
        try {
            root = Files.createTempDirectory("wasmesh-pods");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A container whose file system refuses writes, as a read-only root file system without the istio-data volume. */
    void readOnly(String namespace, String pod, String container) {
        readOnly.add(namespace + "/" + pod + ":" + container);
    }

    /** Answers every request for this kind with 404, as an API server that lacks its CRD. */
    void unserve(String apiVersion, String plural) {
        unserved.add(Pattern.compile(
                "/apis/" + Pattern.quote(apiVersion) + "/(namespaces/[^/]+/)?" + Pattern.quote(plural) + "([/?].*)?"));
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        if (unserved.stream().anyMatch(p -> p.matcher(request.getPath()).matches())) {
            return new MockResponse()
                    .setResponseCode(404)
                    .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                            + "\"status\":\"Failure\",\"message\":\"the server could not find the requested resource\","
                            + "\"reason\":\"NotFound\",\"code\":404}");
        }
        Matcher exec = EXEC.matcher(request.getPath());
        if (!exec.matches()) {
            return super.dispatch(request);
        }
        List<String> command = new ArrayList<>();
        String container = "";
        for (String parameter : exec.group(3).split("&")) {
            String[] pair = parameter.split("=", 2);
            String value = URLDecoder.decode(pair[1], StandardCharsets.UTF_8);
            if (pair[0].equals("command")) {
                command.add(value);
            } else if (pair[0].equals("container")) {
                container = value;
            }
        }
        commands.add(exec.group(1) + "/" + exec.group(2) + ":" + container + " " + String.join(" ", command));
        return new MockResponse()
                .withWebSocketUpgrade(new Shell(
                        root.resolve(exec.group(1)).resolve(exec.group(2)).resolve(container),
                        command,
                        readOnly.contains(exec.group(1) + "/" + exec.group(2) + ":" + container)));
    }

    /** @return what is at {@code path} in the pod's container, if anything */
    Optional<byte[]> file(String namespace, String pod, String container, String path) {
        Path file = containerRoot(namespace, pod, container).resolve(path.substring(1));
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every regular file in the pod's container, as absolute paths. */
    List<String> files(String namespace, String pod, String container) {
        Path base = containerRoot(namespace, pod, container);
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(base)) {
            return walk.filter(Files::isRegularFile)
                    .map(p -> "/" + base.relativize(p).toString().replace('\\', '/'))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many execs ran a command line (its words joined by spaces) matching {@code commandLine} in any pod. */
    long ran(Pattern commandLine) {
        synchronized (commands) {
            return commands.stream()
                    .filter(c ->
                            commandLine.matcher(c.substring(c.indexOf(' ') + 1)).matches())
                    .count();
        }
    }

    private Path containerRoot(String namespace, String pod, String container) {
        return root.resolve(namespace).resolve(pod).resolve(container);
    }

    @Override
    public void close() {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final class Shell extends WebSocketListener {
        private final Path container;
        private final List<String> command;
        private final boolean readOnly;
        private final ByteArrayOutputStream stdin = new ByteArrayOutputStream();

        Shell(Path container, List<String> command, boolean readOnly) {
            this.container = container;
            this.command = command;
            this.readOnly = readOnly;
        }

        /** A path of the container inside its directory; the commands only ever name absolute paths. */
        private Path resolve(String path) {
            Path resolved = container.resolve(path.replaceFirst("^/+", "")).normalize();
            if (!path.startsWith("/") || !resolved.startsWith(container)) {
                throw new IllegalArgumentException("not an absolute path inside the container: " + path);
            }
            return resolved;
        }

        @Override
        public void onOpen(WebSocket socket, Response response) {
            try {
                if (command.size() == 3
                        && command.get(0).equals("rm")
                        && command.get(1).equals("-f")) {
                    Files.deleteIfExists(resolve(command.get(2)));
                    exit(socket, 0);
                    return;
                }
                String script = command.size() == 3
                                && command.get(0).equals("sh")
                                && command.get(1).equals("-c")
                        ? command.get(2)
                        : "";
                Matcher wc = WC.matcher(script);
                Matcher untar = UNTAR.matcher(script);
                if (wc.matches()) {
                    Path file = resolve(wc.group(1));
                    if (!Files.isRegularFile(file)) {
                        exit(socket, 1);
                        return;
                    }
                    send(socket, STDOUT, ("      " + Files.size(file) + "\n").getBytes(StandardCharsets.UTF_8));
                    exit(socket, 0);
                } else if (untar.matches()) {
                    Path directory = resolve(untar.group(1));
                    Path archive = resolve(untar.group(2));
                    Process tar = new ProcessBuilder("tar", "-C", directory.toString(), "-xmf", archive.toString())
                            .redirectErrorStream(true)
                            .start();
                    byte[] errors = tar.getInputStream().readAllBytes();
                    int code = tar.waitFor();
                    Files.deleteIfExists(archive);
                    if (errors.length > 0) {
                        send(socket, STDERR, errors);
                    }
                    exit(socket, code);
                } else if (!CAT.matcher(script).matches()) {
                    exit(socket, 127);
                } else if (readOnly) {
                    Matcher cat = CAT.matcher(script);
                    cat.matches();
                    send(
                            socket,
                            STDERR,
                            ("sh: can't create " + cat.group(1) + ": Read-only file system\n")
                                    .getBytes(StandardCharsets.UTF_8));
                    exit(socket, 1);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exit(socket, 130);
            }
        }

        @Override
        public void onMessage(WebSocket socket, byte[] bytes) {
            if (bytes.length > 0 && bytes[0] == 0) { // stream 0: stdin
                stdin.write(bytes, 1, bytes.length - 1);
            }
        }

        /** The client closes when its input is done; that is stdin's end of file for {@code cat}. */
        @Override
        public void onClosing(WebSocket socket, int code, String reason) {
            Matcher cat = command.size() == 3 ? CAT.matcher(command.get(2)) : null;
            if (cat != null && cat.matches()) {
                Path file = resolve(cat.group(1));
                byte[] content = stdin.toByteArray();
                CompletableFuture.runAsync(
                        () -> {
                            try {
                                Files.createDirectories(file.getParent());
                                Files.write(file, content);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        },
                        CompletableFuture.delayedExecutor(LANDING_MILLIS, TimeUnit.MILLISECONDS));
            }
            socket.close(code, reason);
        }

        private static void send(WebSocket socket, byte stream, byte[] data) {
            byte[] frame = new byte[data.length + 1];
            frame[0] = stream;
            System.arraycopy(data, 0, frame, 1, data.length);
            socket.send(frame);
        }

        private static void exit(WebSocket socket, int code) {
            String status = code == 0
                    ? "{\"metadata\":{},\"status\":\"Success\"}"
                    : "{\"metadata\":{},\"status\":\"Failure\",\"reason\":\"NonZeroExitCode\","
                            + "\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\"" + code + "\"}]}}";
            send(socket, STATUS, status.getBytes(StandardCharsets.UTF_8));
            socket.close(1000, "");
        }
    }
}
