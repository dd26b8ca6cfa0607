package dev.wasmesh.deploy.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wasmesh.deploy.DeployException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * How {@link RegistryClient} talks HTTP: one request and its reply over the JDK's client (redirects are the
 * caller's, so an Authorization never follows one to blob storage), connection retries with backoff, progress bars,
 * and the errors that name an unreachable registry or the distribution API's error body.
 */
final class RegistryTransport {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Request(String method, URI uri, Map<String, String> headers, byte[] body, String progressTask) {}

    record Reply(int status, HttpHeaders headers, byte[] body, URI uri) {
        Optional<String> header(String name) {
            return headers.firstValue(name);
        }
    }

    private final RegistryClient.Settings settings;
    private final HttpClient http;

    RegistryTransport(RegistryClient.Settings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.timeout())
                .followRedirects(
                        HttpClient.Redirect.NEVER) // redirects to blob storage must not carry our Authorization
                .build();
    }

    static Request request(String method, URI uri, Map<String, String> headers, byte[] body) {
        return new Request(method, uri, headers == null ? Map.of() : headers, body, null);
    }

    Reply exchangeWithoutAuth(Request request, Function<IOException, DeployException> unreachable) {
        return exchange(request, () -> null, reply -> false, unreachable);
    }

    /**
     * Sends {@code request} until a reply that is not retried: a failed connection or a retryable status backs off
     * and tries again, as many times as the retry policy allows. A 401 goes to {@code challenged} once, which answers
     * the registry's challenge and says whether to send again (not counted as a retry).
     *
     * @param authorization the Authorization header for each attempt, or null for none
     */
    Reply exchange(
            Request request,
            Supplier<String> authorization,
            Predicate<Reply> challenged,
            Function<IOException, DeployException> unreachable) {
        boolean answered = false;
        for (int attempt = 1; ; attempt++) {
            Reply reply = sendWithRetry(request, authorization.get(), attempt, unreachable);
            if (reply == null) {
                continue;
            }
            if (reply.status() == 401 && !answered && challenged.test(reply)) {
                answered = true;
                attempt--; // answering a challenge is not a retry
                continue;
            }
            if (RetryPolicy.isRetryable(reply.status())
                    && attempt < settings.retry().maxAttempts()) {
                sleep(settings.retry().backoff(attempt, retryAfter(reply)));
                continue;
            }
            return reply;
        }
    }

    /**
     * @param unreachable the error for a connection that failed for the last time; TLS failures are not retried
     * @return null when the connection failed and another attempt is due
     */
    Reply sendWithRetry(
            Request request, String authorization, int attempt, Function<IOException, DeployException> unreachable) {
        try {
            return send(request, authorization);
        } catch (IOException e) {
            if (attempt < settings.retry().maxAttempts() && !(e instanceof SSLException)) {
                sleep(settings.retry().backoff(attempt, null));
                return null;
            }
            throw unreachable.apply(e);
        }
    }

    Reply send(Request request, String authorization) throws IOException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(request.uri()).timeout(settings.timeout());
        request.headers().forEach(builder::header);
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        byte[] body = request.body();
        HttpRequest.BodyPublisher publisher;
        if (body == null) {
            publisher = HttpRequest.BodyPublishers.noBody();
        } else if (request.progressTask() != null) {
            publisher = HttpRequest.BodyPublishers.fromPublisher(
                    HttpRequest.BodyPublishers.ofInputStream(() -> TransferProgress.wrap(
                            new ByteArrayInputStream(body), request.progressTask(), body.length, progressSink())),
                    body.length);
        } else {
            publisher = HttpRequest.BodyPublishers.ofByteArray(body);
        }
        builder.method(request.method(), publisher);
        try {
            HttpResponse<InputStream> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
            long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            boolean download = request.progressTask() != null && body == null && response.statusCode() == 200;
            try (InputStream in = TransferProgress.wrap(
                    response.body(), request.progressTask(), length, download ? progressSink() : null)) {
                return new Reply(response.statusCode(), response.headers(), in.readAllBytes(), response.uri());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeployException(
                    "interrupted while talking to " + request.uri().getAuthority());
        }
    }

    private PrintStream progressSink() {
        return settings.progress() ? System.err : null;
    }

    DeployException unreachable(ImageReference ref, URI uri, IOException e) {
        String reason;
        if (e instanceof ConnectException) {
            reason = "connection refused";
        } else if (e instanceof HttpTimeoutException) {
            reason = "timed out after " + settings.timeout().toSeconds() + " s";
        } else if (e instanceof SSLException && !settings.plainHttp()) {
            reason = "TLS failed (" + e.getMessage() + "); for a registry that serves plain HTTP pass --plain-http";
        } else {
            reason = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        }
        return new DeployException(
                "registry " + ref.registry() + " unreachable at " + uri.getScheme() + "://" + uri.getAuthority() + ": "
                        + reason,
                e);
    }

    /** The first entry of the distribution API's error body, {@code {"errors":[{"code":…,"message":…}]}}. */
    static String errorDetail(Reply reply) {
        try {
            JsonNode first = JSON.readTree(reply.body()).path("errors").path(0);
            String code = first.path("code").asText("");
            String message = first.path("message").asText("");
            return code.isEmpty() && message.isEmpty() ? "" : " " + (code + " " + message).trim();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** A URL the registry handed out (a Location, a token realm), resolved against where it came from. */
    static URI served(ImageReference ref, URI base, String location, String what) {
        return resolve(base, location)
                .orElseThrow(() -> new DeployException(
                        "registry " + ref.registry() + " sent an unusable " + what + " '" + location + "'"));
    }

    /** {@code location} resolved against {@code base} (or taken as absolute), if that is an HTTP(S) URL with a host. */
    static Optional<URI> resolve(URI base, String location) {
        URI uri;
        try {
            uri = base == null ? new URI(location) : base.resolve(new URI(location));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                ? Optional.of(uri)
                : Optional.empty();
    }

    private static Duration retryAfter(Reply reply) {
        try {
            return reply.header("Retry-After")
                    .map(s -> Duration.ofSeconds(Math.min(Long.parseLong(s.trim()), 60)))
                    .orElse(null);
        } catch (NumberFormatException e) {
            return null; // an HTTP date: fall back to our own backoff
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeployException("interrupted while waiting to retry");
        }
    }
}
