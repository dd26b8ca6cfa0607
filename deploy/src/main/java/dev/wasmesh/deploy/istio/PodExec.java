package dev.wasmesh.deploy.istio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wasmesh.deploy.DeployException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.WebSocket;
import io.fabric8.kubernetes.client.http.WebSocketHandshakeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * One command in a pod's container over the exec websocket ({@code v4.channel.k8s.io}), on the client's own
 * authenticated HTTP client. Not fabric8's exec: that hands each stdin write straight to the JDK's WebSocket, which
 * refuses a send while the one before is still in flight ("Send pending"), so copies of more than one frame fail now
 * and then. This one lets each frame leave before it sends the next.
 */
final class PodExec {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROTOCOL = "v4.channel.k8s.io";
    private static final int FRAME_SIZE = 32 << 10;
    private static final byte STDIN = 0;
    private static final byte STDOUT = 1;
    private static final byte STDERR = 2;
    private static final byte STATUS = 3;

    /**
     * What a command printed, and its exit status: null when the stream closed first, which is how v4 ends stdin, so a
     * command that reads stdin cannot report one.
     */
    record Result(Integer exitCode, String stdout, String stderr) {
        boolean succeeded() {
            return exitCode != null && exitCode == 0;
        }

        /** The first line of stderr, or the exit status. */
        String reason() {
            String error = stderr.strip();
            return error.isEmpty()
                    ? "exit status " + exitCode
                    : error.lines().findFirst().orElse(error);
        }
    }

    private PodExec() {}

    /** @param stdin what the command reads, or null for no stdin */
    static Result run(
            KubernetesClient client,
            String namespace,
            String pod,
            String container,
            byte[] stdin,
            Duration timeout,
            String... command) {
        String what = "running " + command[0] + " in " + namespace + "/" + pod;
        Session session = new Session();
        WebSocket socket = null;
        try {
            socket = client.getHttpClient()
                    .newWebSocketBuilder()
                    .uri(WebSocket.toWebSocketUri(uri(client, namespace, pod, container, stdin != null, command)))
                    .subprotocol(PROTOCOL)
                    .connectTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .buildAsync(session)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (stdin != null) {
                // A command that ends early (it could not write, say) closes the stream: stop and report what it said.
                // It may close it between the check and the send, which the send's refusal tells.
                boolean open = true;
                for (int offset = 0;
                        open && offset < stdin.length && drained(socket, session, timeout);
                        offset += FRAME_SIZE) {
                    int length = Math.min(FRAME_SIZE, stdin.length - offset);
                    byte[] frame = new byte[length + 1];
                    frame[0] = STDIN;
                    System.arraycopy(stdin, offset, frame, 1, length);
                    open = socket.send(ByteBuffer.wrap(frame));
                }
                if (open && drained(socket, session, timeout)) {
                    socket.sendClose(1000, ""); // the end of stdin
                }
            }
            session.closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new DeployException(what + " failed: " + reason(e.getCause()), e);
        } catch (TimeoutException e) {
            throw new DeployException(what + " timed out after " + timeout.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeployException("interrupted while " + what);
        } finally {
            if (socket != null && !session.closed.isDone()) {
                socket.sendClose(1000, "");
            }
        }
        return new Result(
                session.exitCode,
                session.stdout.toString(StandardCharsets.UTF_8),
                session.stderr.toString(StandardCharsets.UTF_8));
    }

    /**
     * Waits until every frame sent so far has left, as the JDK's WebSocket needs before the next send.
     *
     * @return false when the connection has closed
     */
    private static boolean drained(WebSocket socket, Session session, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (socket.queueSize() > 0 && !session.closed.isDone()) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException();
            }
            Thread.sleep(1);
        }
        if (session.closed.isDone()) {
            session.closed.get(); // rethrows what broke the connection
            return false;
        }
        return true;
    }

    private static URI uri(
            KubernetesClient client, String namespace, String pod, String container, boolean stdin, String... command) {
        String query = Arrays.stream(command).map(c -> "command=" + encode(c)).collect(Collectors.joining("&"))
                + "&container=" + encode(container) + (stdin ? "&stdin=true" : "") + "&stdout=true&stderr=true";
        try {
            URI master = client.getMasterUrl().toURI();
            String base = master.toString().endsWith("/") ? master.toString() : master + "/";
            return new URI(base)
                    .resolve("api/v1/namespaces/" + encode(namespace) + "/pods/" + encode(pod) + "/exec?" + query);
        } catch (URISyntaxException e) {
            throw new DeployException("the Kubernetes API server's URL " + client.getMasterUrl() + " is invalid");
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String reason(Throwable failure) {
        if (failure instanceof WebSocketHandshakeException handshake) {
            return "the API server answered HTTP " + handshake.getResponse().code() + " to the exec request";
        }
        if (failure instanceof KubernetesClientException kubernetes) {
            return KubernetesErrors.firstLine(kubernetes);
        }
        if (failure instanceof IOException && failure.getCause() instanceof KubernetesClientException kubernetes) {
            return KubernetesErrors.firstLine(kubernetes);
        }
        String message = failure.getMessage() != null
                ? failure.getMessage()
                : failure.getClass().getSimpleName();
        return message.lines().findFirst().orElse(message);
    }

    /** Collects the command's output streams and its status, and learns when the connection ends. */
    private static final class Session implements WebSocket.Listener {
        final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        volatile Integer exitCode;

        @Override
        public void onOpen(WebSocket socket) {
            socket.request();
        }

        @Override
        public void onMessage(WebSocket socket, ByteBuffer message) {
            if (message.hasRemaining()) {
                byte channel = message.get();
                byte[] data = new byte[message.remaining()];
                message.get(data);
                if (channel == STDOUT) {
                    stdout.writeBytes(data);
                } else if (channel == STDERR) {
                    stderr.writeBytes(data);
                } else if (channel == STATUS) {
                    status(data);
                }
            }
            socket.request();
        }

        /** Success, a non-zero exit with its code, or a failure to run the command at all. */
        private void status(byte[] data) {
            try {
                JsonNode status = JSON.readTree(data);
                if ("Success".equals(status.path("status").asText())) {
                    exitCode = 0;
                    return;
                }
                for (JsonNode cause : status.path("details").path("causes")) {
                    if ("ExitCode".equals(cause.path("reason").asText())) {
                        exitCode = Integer.parseInt(cause.path("message").asText());
                        return;
                    }
                }
                stderr.writeBytes(status.path("message").asText("").getBytes(StandardCharsets.UTF_8));
                exitCode = -1;
            } catch (IOException | NumberFormatException e) {
                stderr.writeBytes(data);
                exitCode = -1;
            }
        }

        @Override
        public void onClose(WebSocket socket, int code, String reason) {
            closed.complete(null);
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
