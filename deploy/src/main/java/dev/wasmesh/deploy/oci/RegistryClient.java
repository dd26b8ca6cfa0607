package dev.wasmesh.deploy.oci;

import static dev.wasmesh.deploy.oci.RegistryTransport.errorDetail;
import static dev.wasmesh.deploy.oci.RegistryTransport.request;
import static dev.wasmesh.deploy.oci.RegistryTransport.resolve;
import static dev.wasmesh.deploy.oci.RegistryTransport.served;

import dev.wasmesh.deploy.DeployException;
import dev.wasmesh.deploy.oci.RegistryTransport.Reply;
import dev.wasmesh.deploy.oci.RegistryTransport.Request;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The parts of the OCI distribution API that pushing and pulling one image needs, over the JDK's HTTP client. Handles
 * both auth schemes registries use (Basic, and the Bearer token flow Docker Hub, GHCR and others use), retries 429 and
 * 5xx with backoff, and verifies every manifest and blob it downloads against its digest. Plain downloads of modules
 * served over HTTP go through the same retries. How it talks HTTP is {@link RegistryTransport}'s, how it authenticates
 * {@link RegistryAuth}'s.
 */
public final class RegistryClient {
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

    private final Settings settings;
    private final RegistryTransport transport;
    private final RegistryAuth auth;

    public RegistryClient(Settings settings) {
        this.settings = settings;
        this.transport = new RegistryTransport(settings);
        this.auth = new RegistryAuth(settings, transport);
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
                    : transport.exchangeWithoutAuth(get, e -> transport.unreachable(ref, get.uri(), e));
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
            Reply reply = transport.exchangeWithoutAuth(request("GET", at, null, null), unreachable);
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
        Function<IOException, DeployException> unreachable = e -> transport.unreachable(ref, uri, e);
        Reply reply = transport.exchangeWithoutAuth(request("GET", uri, null, null), unreachable);
        if (reply.status() == 401) {
            reply = transport.sendWithRetry(
                    request("GET", uri, null, null),
                    auth.loginAuthorization(ref, reply),
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

    private Reply exchange(ImageReference ref, String actions, Request request) {
        String scope = "repository:" + ref.repository() + ":" + actions;
        return transport.exchange(
                request,
                () -> auth.authorization(ref.apiHost(), scope),
                reply -> {
                    auth.authenticate(ref, scope, reply);
                    return true;
                },
                e -> transport.unreachable(ref, request.uri(), e));
    }

    private DeployException failure(ImageReference ref, String what, Reply reply) {
        String detail = " (HTTP " + reply.status() + errorDetail(reply) + ")";
        return switch (reply.status()) {
            case 401 ->
                settings.credentials().lookup(ref.registry()).isPresent()
                        ? new DeployException("authentication to " + ref.registry() + " refused for " + what + detail)
                        : RegistryAuth.authenticationRequired(ref);
            case 403 -> new DeployException("registry " + ref.registry() + " denied access to " + what + detail);
            case 404 -> new DeployException(what + " not found in " + ref.registry() + detail);
            default -> new DeployException("registry " + ref.registry() + " failed on " + what + detail);
        };
    }

    static String shortDigest(String digest) {
        return digest.substring(0, Math.min(digest.length(), "sha256:".length() + 12));
    }
}
