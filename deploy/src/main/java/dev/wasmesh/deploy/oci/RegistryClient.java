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
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import javax.net.ssl.SSLException;

/**
 * The parts of the OCI distribution API that pushing and pulling one image needs, over the JDK's HTTP client. Handles
 * both auth schemes registries use (Basic, and the Bearer token flow Docker Hub, GHCR and others use), retries 429 and
 * 5xx with backoff, and verifies every manifest and blob it downloads against its digest. Plain downloads of modules
 * served over HTTP go through the same retries.
 */
public final class RegistryClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REDIRECTS = 5;

    /**
     * @param plainHttp talk HTTP instead of HTTPS (a registry on localhost)
     * @param progress show a progress bar on stderr for large blobs
     */
    public record Settings(
            boolean plainHttp, CredentialSource credentials, RetryPolicy retry, Duration timeout, boolean progress) {
        /** HTTPS, the user's Docker credentials, the default retries, no progress bar. */
        public static Settings defaults() {
            return new Settings(false, DockerConfig.load(), RetryPolicy.DEFAULT, Duration.ofSeconds(60), false);
        }

        public Settings withPlainHttp(boolean value) {
            return new Settings(value, credentials, retry, timeout, progress);
        }

        public Settings withCredentials(CredentialSource value) {
            return new Settings(plainHttp, value, retry, timeout, progress);
        }

        public Settings withRetry(RetryPolicy value) {
            return new Settings(plainHttp, credentials, value, timeout, progress);
        }

        public Settings withProgress(boolean value) {
            return new Settings(plainHttp, credentials, retry, timeout, value);
        }
    }

    /** A manifest as served, with the digest it was verified against. */
    public record FetchedManifest(Manifest manifest, byte[] bytes, String digest) {}

    private record Request(String method, URI uri, Map<String, String> headers, byte[] body, String progressTask) {}

    private record Reply(int status, java.net.http.HttpHeaders headers, byte[] body, URI uri) {
        Optional<String> header(String name) {
            return headers.firstValue(name);
        }
    }

    private final Settings settings;
    private final HttpClient http;
    /** Authorization header values: Basic per host, Bearer per host and scope. */
    private final Map<String, String> authorizations = new ConcurrentHashMap<>();

    public RegistryClient(Settings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.timeout())
                .followRedirects(
                        HttpClient.Redirect.NEVER) // redirects to blob storage must not carry our Authorization
                .build();
    }

    public boolean blobExists(ImageReference ref, String digest) {
        Reply reply = exchange(ref, "pull,push", request("HEAD", blobUri(ref, digest), null, null));
        if (reply.status() == 200) {
            return true;
        }
        if (reply.status() == 404) {
            return false;
        }
        throw failure(ref, "blob " + digest, reply);
    }

    /** A monolithic upload: POST opens the session, one PUT with the whole blob and its digest closes it. */
    public void uploadBlob(ImageReference ref, WasmImage.Blob blob) {
        String digest = blob.descriptor().digest();
        Reply start = exchange(ref, "pull,push", request("POST", base(ref).resolve("blobs/uploads/"), null, null));
        if (start.status() != 202) {
            throw failure(ref, "an upload of blob " + digest, start);
        }
        String location = start.header("Location")
                .orElseThrow(() ->
                        new DeployException("registry " + ref.registry() + " opened an upload without a Location"));
        String separator = location.contains("?") ? "&" : "?";
        URI put = served(
                ref,
                start.uri(),
                location + separator + "digest=" + URLEncoder.encode(digest, StandardCharsets.UTF_8),
                "upload location");
        Reply done = exchange(
                ref,
                "pull,push",
                new Request(
                        "PUT",
                        put,
                        Map.of("Content-Type", "application/octet-stream"),
                        blob.content(),
                        "push " + shortDigest(digest)));
        if (done.status() != 201) {
            throw failure(ref, "the upload of blob " + digest, done);
        }
    }

    /** @return the manifest's digest, checked against the one the registry reports */
    public String putManifest(ImageReference ref, String reference, String mediaType, byte[] manifest) {
        String digest = Digests.sha256(manifest);
        Reply reply = exchange(
                ref,
                "pull,push",
                request("PUT", manifestUri(ref, reference), Map.of("Content-Type", mediaType), manifest));
        if (reply.status() != 201 && reply.status() != 200) {
            throw failure(ref, "the manifest of " + ref, reply);
        }
        Optional<String> reported = reply.header("Docker-Content-Digest");
        if (reported.isPresent() && !reported.get().equals(digest)) {
            throw new DeployException("registry " + ref.registry() + " stored the manifest under " + reported.get()
                    + " but its content is " + digest);
        }
        return digest;
    }

    /** Fetches a manifest and verifies it against the pinned digest, or else against the digest the registry names. */
    public FetchedManifest getManifest(ImageReference ref, String reference) {
        Reply reply = exchange(
                ref,
                "pull",
                request("GET", manifestUri(ref, reference), Map.of("Accept", MediaTypes.MANIFEST_ACCEPT), null));
        if (reply.status() != 200) {
            String separator = reference.startsWith("sha256:") ? "@" : ":";
            throw failure(ref, "image " + ref.registry() + "/" + ref.repository() + separator + reference, reply);
        }
        String digest = Digests.sha256(reply.body());
        String expected = Digests.isDigest(reference)
                ? reference
                : reply.header("Docker-Content-Digest").orElse(null);
        if (expected != null) {
            Digests.verifyDigest(expected, digest, "the manifest of " + ref);
        }
        Manifest manifest = Manifest.parse(reply.body(), "the manifest of " + ref);
        String mediaType = manifest.mediaType() != null
                ? manifest.mediaType()
                : reply.header("Content-Type").orElse(null);
        Manifest typed = new Manifest(
                manifest.schemaVersion(),
                mediaType,
                manifest.config(),
                manifest.layers(),
                manifest.manifests(),
                manifest.annotations());
        return new FetchedManifest(typed, reply.body(), digest);
    }

    /** Fetches a blob, following redirects to storage, and refuses it unless its size and digest match. */
    public byte[] getBlob(ImageReference ref, Descriptor descriptor) {
        URI uri = blobUri(ref, descriptor.digest());
        String progressTask = "pull " + shortDigest(descriptor.digest());
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            boolean sameHost = hop == 0
                    || uri.getAuthority()
                            .equals(blobUri(ref, descriptor.digest()).getAuthority());
            Request get = new Request("GET", uri, Map.of(), null, progressTask);
            Reply reply = sameHost
                    ? exchange(ref, "pull", get)
                    : exchangeWithoutAuth(get, e -> unreachable(ref, get.uri(), e));
            if (reply.status() / 100 == 3 && reply.header("Location").isPresent()) {
                uri = served(ref, reply.uri(), reply.header("Location").get(), "redirect");
                continue;
            }
            if (reply.status() != 200) {
                throw failure(ref, "blob " + descriptor.digest(), reply);
            }
            if (reply.body().length != descriptor.size()) {
                throw new DeployException("blob " + descriptor.digest() + " of " + ref + " is " + reply.body().length
                        + " bytes but its manifest says " + descriptor.size() + "; refusing it");
            }
            Digests.verify(
                    descriptor.digest(), reply.body(), "blob " + shortDigest(descriptor.digest()) + " of " + ref);
            return reply.body();
        }
        throw new DeployException("registry " + ref.registry() + " redirected blob " + descriptor.digest()
                + " more than " + MAX_REDIRECTS + " times");
    }

    /**
     * Downloads a URL outside any registry (a module served over HTTP), with no credentials, retried as registry
     * requests are. Redirects are followed as the JDK's {@code Redirect.NORMAL} does: never from HTTPS to HTTP.
     *
     * @throws DeployException unless the download ends in a 200
     */
    public byte[] download(URI uri) {
        Function<IOException, DeployException> unreachable = e -> new DeployException(
                "cannot download " + uri + ": "
                        + (e instanceof ConnectException ? "connection refused" : e.getMessage()),
                e);
        URI at = uri;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            Reply reply = exchangeWithoutAuth(request("GET", at, null, null), unreachable);
            Optional<URI> next = reply.status() / 100 == 3
                    ? reply.header("Location").flatMap(location -> resolve(reply.uri(), location))
                    : Optional.empty();
            boolean downgrade = next.isPresent()
                    && reply.uri().getScheme().equalsIgnoreCase("https")
                    && next.get().getScheme().equalsIgnoreCase("http");
            if (next.isEmpty() || downgrade) {
                if (reply.status() != 200) {
                    throw new DeployException("cannot download " + uri + ": HTTP " + reply.status());
                }
                return reply.body();
            }
            at = next.get();
        }
        throw new DeployException("cannot download " + uri + ": redirected more than " + MAX_REDIRECTS + " times");
    }

    /**
     * What {@code docker login} checks: {@code GET /v2/} answers 200 once the registry's challenge is met with the
     * credentials for {@code registry} (Basic, or a token from its token service asked for no scope).
     *
     * @throws DeployException naming the reason when the registry refuses them or cannot be reached
     */
    public void checkLogin(String registry) {
        ImageReference ref = new ImageReference(registry, "", null, null);
        URI uri = URI.create((settings.plainHttp() ? "http" : "https") + "://" + ref.apiHost() + "/v2/");
        Function<IOException, DeployException> unreachable = e -> unreachable(ref, uri, e);
        Reply reply = exchangeWithoutAuth(request("GET", uri, null, null), unreachable);
        if (reply.status() == 401) {
            AuthChallenge challenge = AuthChallenge.parse(
                            reply.header("WWW-Authenticate").orElse(null))
                    .orElseThrow(() -> new DeployException(
                            "registry " + registry + " answered 401 without an authentication" + " challenge"));
            Credentials credentials = settings.credentials()
                    .lookup(registry)
                    .orElseThrow(() -> new DeployException("no credentials for " + registry));
            String authorization;
            if (challenge.isBasic() && credentials.hasPassword()) {
                authorization = credentials.basicAuthorization();
            } else if (challenge.isBearer()) {
                authorization = "Bearer " + fetchToken(ref, challenge, null, Optional.of(credentials));
            } else {
                throw new DeployException("registry " + registry + " asks for " + challenge.scheme()
                        + " authentication, which wasmesh does not speak (Basic and Bearer only)");
            }
            reply = sendWithRetry(
                    request("GET", uri, null, null),
                    authorization,
                    settings.retry().maxAttempts(),
                    unreachable); // as the last attempt: it throws rather than retries
        }
        if (reply.status() == 401) {
            throw new DeployException("login to " + registry + " refused: wrong user name or password");
        }
        if (reply.status() != 200) {
            throw new DeployException(
                    "registry " + registry + " answered HTTP " + reply.status() + errorDetail(reply) + " to GET /v2/");
        }
    }

    private URI base(ImageReference ref) {
        String scheme = settings.plainHttp() ? "http" : "https";
        return URI.create(scheme + "://" + ref.apiHost() + "/v2/" + ref.repository() + "/");
    }

    private URI blobUri(ImageReference ref, String digest) {
        return base(ref).resolve("blobs/" + digest);
    }

    private URI manifestUri(ImageReference ref, String reference) {
        return base(ref).resolve("manifests/" + reference);
    }

    /** A URL the registry handed out (a Location, a token realm), resolved against where it came from. */
    private static URI served(ImageReference ref, URI base, String location, String what) {
        return resolve(base, location)
                .orElseThrow(() -> new DeployException(
                        "registry " + ref.registry() + " sent an unusable " + what + " '" + location + "'"));
    }

    /** {@code location} resolved against {@code base} (or taken as absolute), if that is an HTTP(S) URL with a host. */
    private static Optional<URI> resolve(URI base, String location) {
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

    private static Request request(String method, URI uri, Map<String, String> headers, byte[] body) {
        return new Request(method, uri, headers == null ? Map.of() : headers, body, null);
    }

    private Reply exchange(ImageReference ref, String actions, Request request) {
        String scope = "repository:" + ref.repository() + ":" + actions;
        boolean authenticated = false;
        for (int attempt = 1; ; attempt++) {
            Reply reply = sendWithRetry(
                    request, authorization(ref.apiHost(), scope), attempt, e -> unreachable(ref, request.uri(), e));
            if (reply == null) {
                continue;
            }
            if (reply.status() == 401 && !authenticated) {
                authenticate(ref, scope, reply);
                authenticated = true;
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

    private Reply exchangeWithoutAuth(Request request, Function<IOException, DeployException> unreachable) {
        for (int attempt = 1; ; attempt++) {
            Reply reply = sendWithRetry(request, null, attempt, unreachable);
            if (reply == null) {
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
    private Reply sendWithRetry(
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

    private Reply send(Request request, String authorization) throws IOException {
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

    private String authorization(String host, String scope) {
        String bearer = authorizations.get(host + " " + scope);
        return bearer != null ? bearer : authorizations.get(host);
    }

    private void authenticate(ImageReference ref, String scope, Reply challenged) {
        AuthChallenge challenge = AuthChallenge.parse(
                        challenged.header("WWW-Authenticate").orElse(null))
                .orElseThrow(() -> new DeployException(
                        "registry " + ref.registry() + " answered 401 without an authentication" + " challenge"));
        Optional<Credentials> credentials = settings.credentials().lookup(ref.registry());
        if (challenge.isBasic()) {
            Credentials basic =
                    credentials.filter(Credentials::hasPassword).orElseThrow(() -> authenticationRequired(ref));
            authorizations.put(ref.apiHost(), basic.basicAuthorization());
        } else if (challenge.isBearer()) {
            authorizations.put(ref.apiHost() + " " + scope, "Bearer " + fetchToken(ref, challenge, scope, credentials));
        } else {
            throw new DeployException("registry " + ref.registry() + " asks for " + challenge.scheme()
                    + " authentication, which wasmesh does not speak (Basic and Bearer only)");
        }
    }

    /**
     * The token flow: ask the realm for a token for this scope (none: a login check), logged in when we have
     * credentials.
     */
    private String fetchToken(
            ImageReference ref, AuthChallenge challenge, String scope, Optional<Credentials> credentials) {
        String realm = challenge.parameters().get("realm");
        if (realm == null) {
            throw new DeployException("registry " + ref.registry() + " sent a Bearer challenge without a realm");
        }
        String service = challenge.parameters().getOrDefault("service", "");
        Map<String, String> query = new LinkedHashMap<>();
        if (!service.isEmpty()) {
            query.put("service", service);
        }
        if (scope != null) {
            query.put("scope", scope);
        }
        Request request;
        if (credentials.isPresent() && credentials.get().identityToken() != null) {
            // An identity token is an OAuth2 refresh token: exchange it with a POST, as Docker does.
            query.put("grant_type", "refresh_token");
            query.put("client_id", "wasmesh");
            query.put("refresh_token", credentials.get().identityToken());
            request = new Request(
                    "POST",
                    served(ref, null, realm, "token realm"),
                    Map.of("Content-Type", "application/x-www-form-urlencoded"),
                    form(query).getBytes(StandardCharsets.UTF_8),
                    null);
        } else {
            request = new Request(
                    "GET",
                    served(ref, null, realm + (realm.contains("?") ? "&" : "?") + form(query), "token realm"),
                    Map.of(),
                    null,
                    null);
        }
        String authorization = credentials
                .filter(Credentials::hasPassword)
                .map(Credentials::basicAuthorization)
                .orElse(null);
        Reply reply;
        try {
            reply = send(request, authorization);
        } catch (IOException e) {
            throw unreachable(ref, request.uri(), e);
        }
        if (reply.status() == 401 || reply.status() == 403) {
            throw credentials.isPresent()
                    ? new DeployException("authentication to " + ref.registry() + " refused by its token service "
                            + realm + " (HTTP " + reply.status() + errorDetail(reply) + ")")
                    : authenticationRequired(ref);
        }
        if (reply.status() != 200) {
            throw new DeployException("token service " + realm + " of " + ref.registry() + " answered HTTP "
                    + reply.status() + errorDetail(reply));
        }
        try {
            JsonNode answer = JSON.readTree(reply.body());
            String token =
                    answer.path("token").asText(answer.path("access_token").asText(""));
            if (token.isEmpty()) {
                throw new DeployException(
                        "token service " + realm + " of " + ref.registry() + " answered without a token");
            }
            return token;
        } catch (IOException e) {
            throw new DeployException("token service " + realm + " of " + ref.registry() + " answered invalid JSON");
        }
    }

    private static String form(Map<String, String> fields) {
        StringBuilder out = new StringBuilder();
        fields.forEach((name, value) -> out.append(out.length() == 0 ? "" : "&")
                .append(name)
                .append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return out.toString();
    }

    private DeployException authenticationRequired(ImageReference ref) {
        return new DeployException("registry " + ref.registry() + " requires authentication for " + ref.repository()
                + ": run wasmesh login " + ref.registry() + " or pass --username and --password-stdin");
    }

    private DeployException failure(ImageReference ref, String what, Reply reply) {
        String detail = " (HTTP " + reply.status() + errorDetail(reply) + ")";
        return switch (reply.status()) {
            case 401 ->
                settings.credentials().lookup(ref.registry()).isPresent()
                        ? new DeployException("authentication to " + ref.registry() + " refused for " + what + detail)
                        : authenticationRequired(ref);
            case 403 -> new DeployException("registry " + ref.registry() + " denied access to " + what + detail);
            case 404 -> new DeployException(what + " not found in " + ref.registry() + detail);
            default -> new DeployException("registry " + ref.registry() + " failed on " + what + detail);
        };
    }

    /** The first entry of the distribution API's error body, {@code {"errors":[{"code":…,"message":…}]}}. */
    private static String errorDetail(Reply reply) {
        try {
            JsonNode first = JSON.readTree(reply.body()).path("errors").path(0);
            String code = first.path("code").asText("");
            String message = first.path("message").asText("");
            return code.isEmpty() && message.isEmpty() ? "" : " " + (code + " " + message).trim();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private DeployException unreachable(ImageReference ref, URI uri, IOException e) {
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

    static String shortDigest(String digest) {
        return digest.substring(0, Math.min(digest.length(), "sha256:".length() + 12));
    }
}
