package dev.wasmesh.deploy.testing;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real registry for a test class: Debian's {@code docker-registry} (CNCF distribution) on 127.0.0.1 and a free port,
 * storing in a temporary directory, open to anyone, behind htpasswd Basic auth, or behind the Bearer token flow with a
 * token service of this class's own. Tests are skipped, saying why, only when the binary is not installed (and
 * then fail under CI: {@link RequiredTools}).
 */
public final class LocalRegistry implements ExecutionCondition, BeforeAllCallback, AfterAllCallback {
    public static final String USER = "wasmesh";
    public static final String PASSWORD = "correct horse battery staple";
    private static final String SERVICE = "wasmesh-test-registry";
    private static final String ISSUER = "wasmesh-test-issuer";

    private enum Auth {
        NONE,
        BASIC,
        TOKEN
    }

    private final Auth auth;
    private Path dir;
    private int port;
    private Process process;
    private HttpServer tokenServer;
    private final AtomicInteger tokensIssued = new AtomicInteger();

    private LocalRegistry(Auth auth) {
        this.auth = auth;
    }

    public static LocalRegistry anonymous() {
        return new LocalRegistry(Auth.NONE);
    }

    public static LocalRegistry basicAuth() {
        return new LocalRegistry(Auth.BASIC);
    }

    public static LocalRegistry tokenAuth() {
        return new LocalRegistry(Auth.TOKEN);
    }

    public static Optional<Path> binary() {
        return Stream.concat(
                        Stream.of("/usr/bin"),
                        Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)))
                .filter(s -> !s.isEmpty())
                .map(d -> Path.of(d, "docker-registry"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        // Under CI a missing registry must fail the tests (in beforeAll), not skip them.
        return binary().isPresent() || RequiredTools.required()
                ? ConditionEvaluationResult.enabled("docker-registry found, or required")
                : ConditionEvaluationResult.disabled(
                        "docker-registry is not installed (apt-get install -y docker-registry);"
                                + " the registry tests need a real registry");
    }

    /** host:port, as an image reference's registry part. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    public int tokensIssued() {
        return tokensIssued.get();
    }

    /** Where the registry keeps a blob's bytes, so that a test can tamper with them. */
    public Path blobData(String digest) {
        String hex = digest.substring("sha256:".length());
        return dir.resolve("storage/docker/registry/v2/blobs/sha256")
                .resolve(hex.substring(0, 2))
                .resolve(hex)
                .resolve("data");
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        RequiredTools.assume(
                binary().isPresent(), "docker-registry is not installed (apt-get install -y docker-registry)");
        dir = Files.createTempDirectory("wasmesh-registry");
        port = freePort();
        String authConfig = switch (auth) {
            case NONE -> "";
            case BASIC -> {
                String hash = BCrypt.withDefaults().hashToString(5, PASSWORD.toCharArray());
                Files.writeString(dir.resolve("htpasswd"), USER + ":" + hash + "\n");
                yield "auth:\n  htpasswd:\n    realm: wasmesh-test\n    path: " + dir.resolve("htpasswd") + "\n";
            }
            case TOKEN -> {
                startTokenServer();
                yield "auth:\n  token:\n    realm: http://127.0.0.1:"
                        + tokenServer.getAddress().getPort() + "/token\n"
                        + "    service: " + SERVICE + "\n    issuer: " + ISSUER + "\n"
                        + "    rootcertbundle: " + dir.resolve("token.crt") + "\n";
            }
        };
        Path config = dir.resolve("config.yml");
        Files.writeString(
                config,
                "version: 0.1\n"
                        + "log:\n  level: warn\n  accesslog:\n    disabled: true\n"
                        + "storage:\n  filesystem:\n    rootdirectory: " + dir.resolve("storage")
                        + "\n  delete:\n    enabled: true\n"
                        + "http:\n  addr: 127.0.0.1:" + port + "\n  secret: wasmesh-test-secret\n"
                        + authConfig);
        process = new ProcessBuilder(binary().orElseThrow().toString(), "serve", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("registry.log").toFile())
                .start();
        awaitReady();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        if (tokenServer != null) {
            tokenServer.stop(0);
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private void awaitReady() throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plusSeconds(15);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("docker-registry exited with " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("registry.log")));
            }
            try {
                int status = http.send(
                                HttpRequest.newBuilder(URI.create("http://" + host() + "/v2/"))
                                        .timeout(Duration.ofSeconds(2))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode();
                if (status == 200 || status == 401) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(
                "docker-registry did not answer /v2/ within 15 s: " + Files.readString(dir.resolve("registry.log")));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * A token service as Docker Hub runs one: Basic-authenticated GET /token?service&scope answers a JWT signed with a
     * key whose self-signed certificate the registry trusts, granting the asked actions to the test user and nothing
     * to anyone else.
     */
    private void startTokenServer() throws Exception {
        Path keystore = dir.resolve("token.p12");
        Process keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "token",
                        "-keyalg",
                        "RSA",
                        "-keysize",
                        "2048",
                        "-dname",
                        "CN=" + ISSUER,
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        keystore.toString(),
                        "-storepass",
                        "changeit")
                .redirectErrorStream(true)
                .start();
        String keytoolOutput = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (keytool.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + keytoolOutput);
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keystore)) {
            store.load(in, "changeit".toCharArray());
        }
        PrivateKey key = (PrivateKey) store.getKey("token", "changeit".toCharArray());
        Certificate cert = store.getCertificate("token");
        Files.writeString(
                dir.resolve("token.crt"),
                "-----BEGIN CERTIFICATE-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                                .encodeToString(cert.getEncoded())
                        + "\n-----END CERTIFICATE-----\n");
        String x5c = Base64.getEncoder().encodeToString(cert.getEncoded());
        ObjectMapper json = new ObjectMapper();
        tokenServer = HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        tokenServer.createContext("/token", exchange -> {
            try (exchange) {
                String authorization = exchange.getRequestHeaders().getFirst("Authorization");
                String expected = "Basic "
                        + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
                boolean loggedIn = expected.equals(authorization);
                if (authorization != null && !loggedIn) {
                    exchange.sendResponseHeaders(401, -1);
                    return;
                }
                Map<String, String> query = parseQuery(exchange.getRequestURI().getRawQuery());
                String[] scope = query.getOrDefault("scope", "").split(":");
                List<Object> access = loggedIn && scope.length == 3
                        ? List.of(Map.of("type", scope[0], "name", scope[1], "actions", List.of(scope[2].split(","))))
                        : List.of();
                long now = Instant.now().getEpochSecond();
                String header =
                        base64Url(json.writeValueAsBytes(Map.of("typ", "JWT", "alg", "RS256", "x5c", List.of(x5c))));
                String claims = base64Url(json.writeValueAsBytes(Map.of(
                        "iss",
                        ISSUER,
                        "sub",
                        loggedIn ? USER : "",
                        "aud",
                        SERVICE,
                        "exp",
                        now + 300,
                        "nbf",
                        now - 10,
                        "iat",
                        now - 10,
                        "jti",
                        UUID.randomUUID().toString(),
                        "access",
                        access)));
                Signature signer = Signature.getInstance("SHA256withRSA");
                signer.initSign(key);
                signer.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
                String token = header + "." + claims + "." + base64Url(signer.sign());
                byte[] body = json.writeValueAsBytes(Map.of("token", token, "expires_in", 300));
                tokensIssued.incrementAndGet();
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            } catch (java.security.GeneralSecurityException e) {
                throw new IOException(e);
            }
        });
        tokenServer.start();
    }

    private static Map<String, String> parseQuery(String query) {
        Map<String, String> out = new java.util.HashMap<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    out.put(
                            pair.substring(0, eq),
                            java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
