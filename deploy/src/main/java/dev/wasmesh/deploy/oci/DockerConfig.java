package dev.wasmesh.deploy.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wasmesh.deploy.DeployException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The credentials that {@code docker login} left: {@code auths} entries in {@code config.json} (in
 * {@code $DOCKER_CONFIG} or {@code ~/.docker}), and the {@code credHelpers}/{@code credsStore} helper programs it
 * names.
 */
public final class DockerConfig implements CredentialSource {
    private static final String DOCKER_HUB_KEY = "https://index.docker.io/v1/";
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://");
    private final JsonNode config;
    private final Path file;
    private final String searchPath;

    private DockerConfig(JsonNode config, Path file, String searchPath) {
        this.config = config;
        this.file = file;
        this.searchPath = searchPath;
    }

    /** The user's configuration; an absent file means no credentials. */
    public static DockerConfig load() {
        return load(defaultFile());
    }

    /** Where Docker keeps its configuration: {@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}. */
    public static Path defaultFile() {
        String dir = System.getenv("DOCKER_CONFIG");
        Path base = dir != null ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".docker");
        return base.resolve("config.json");
    }

    public Path file() {
        return file;
    }

    public static DockerConfig load(Path file) {
        return load(file, System.getenv().getOrDefault("PATH", ""));
    }

    /** @param searchPath where to look for credential helper programs, as {@code $PATH} lists directories */
    static DockerConfig load(Path file, String searchPath) {
        if (!Files.isRegularFile(file)) {
            return new DockerConfig(new ObjectMapper().createObjectNode(), file, searchPath);
        }
        try {
            return new DockerConfig(new ObjectMapper().readTree(file.toFile()), file, searchPath);
        } catch (IOException e) {
            throw new DeployException("cannot read Docker credentials from " + file + ": "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    @Override
    public Optional<Credentials> lookup(String registry) {
        JsonNode helpers = config.path("credHelpers");
        String helper =
                helpers.path(registry).asText(helpers.path(serverKey(registry)).asText(null));
        if (helper != null) {
            return fromHelper(helper, "credHelpers", serverKey(registry));
        }
        Optional<Credentials> stored = fromAuths(registry);
        if (stored.isPresent()) {
            return stored;
        }
        String store = config.path("credsStore").asText(null);
        return store != null ? fromHelper(store, "credsStore", serverKey(registry)) : Optional.empty();
    }

    /**
     * Keeps {@code credentials} for {@code registry} as {@code docker login} does: with the credential helper the file
     * names for it ({@code credHelpers}, else {@code credsStore}), else base64 in {@code auths}, the rest of the file
     * left as it was and the file readable by its owner only.
     *
     * @return where they went: the file, or the helper program
     */
    public String store(String registry, Credentials credentials) {
        String server = serverKey(registry);
        Optional<String> helper = helperFor(registry);
        if (helper.isPresent()) {
            Map<String, String> request =
                    Map.of("ServerURL", server, "Username", credentials.username(), "Secret", credentials.password());
            try {
                runHelper(helper.get(), "store", new ObjectMapper().writeValueAsBytes(request));
            } catch (IOException e) {
                throw new DeployException("cannot encode credentials for " + helper.get() + ": " + e.getMessage());
            }
            return "docker-credential-" + helper.get();
        }
        ObjectNode root = editable();
        ObjectNode auths = root.get("auths") instanceof ObjectNode existing ? existing : root.putObject("auths");
        removeEntries(auths, registry);
        auths.putObject(server)
                .put(
                        "auth",
                        Base64.getEncoder()
                                .encodeToString((credentials.username() + ":" + credentials.password())
                                        .getBytes(StandardCharsets.UTF_8)));
        write(root);
        return file.toString();
    }

    /**
     * Forgets the credentials for {@code registry}, as {@code docker logout} does.
     *
     * @return where they were (the file or the helper), or empty if there were none
     */
    public Optional<String> erase(String registry) {
        Optional<String> helper = helperFor(registry);
        if (helper.isPresent()) {
            runHelper(helper.get(), "erase", serverKey(registry).getBytes(StandardCharsets.UTF_8));
            return Optional.of("docker-credential-" + helper.get());
        }
        ObjectNode root = editable();
        if (!(root.get("auths") instanceof ObjectNode auths) || !removeEntries(auths, registry)) {
            return Optional.empty();
        }
        write(root);
        return Optional.of(file.toString());
    }

    private Optional<String> helperFor(String registry) {
        JsonNode helpers = config.path("credHelpers");
        String helper =
                helpers.path(registry).asText(helpers.path(serverKey(registry)).asText(null));
        return Optional.ofNullable(
                helper != null ? helper : config.path("credsStore").asText(null));
    }

    private ObjectNode editable() {
        return config instanceof ObjectNode ? ((ObjectNode) config).deepCopy() : new ObjectMapper().createObjectNode();
    }

    /** Removes every {@code auths} key that names {@code registry} (bare host or URL); true if there was one. */
    private static boolean removeEntries(ObjectNode auths, String registry) {
        boolean removed = false;
        for (Iterator<String> names = auths.fieldNames(); names.hasNext(); ) {
            if (hostOf(names.next()).equals(hostOf(serverKey(registry)))) {
                names.remove();
                removed = true;
            }
        }
        return removed;
    }

    /** Writes the whole file through a temporary one beside it, owner-only, so no reader sees half of it. */
    private void write(ObjectNode root) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, "config", ".json.tmp");
            try {
                setOwnerOnly(temp);
                Files.write(
                        temp,
                        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new DeployException("cannot write " + file + ": " + e.getMessage());
        }
    }

    /** On a POSIX file system; elsewhere the file keeps the platform's default permissions. */
    private static void setOwnerOnly(Path path) throws IOException {
        if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        }
    }

    private static String serverKey(String registry) {
        return registry.equals(ImageReference.DOCKER_HUB) ? DOCKER_HUB_KEY : registry;
    }

    private Optional<Credentials> fromAuths(String registry) {
        JsonNode auths = config.path("auths");
        for (Map.Entry<String, JsonNode> entry : auths.properties()) {
            if (hostOf(entry.getKey()).equals(hostOf(serverKey(registry)))) {
                return decode(entry.getValue(), entry.getKey());
            }
        }
        return Optional.empty();
    }

    /** Keys may be a bare host[:port] or a URL such as {@code https://index.docker.io/v1/}. */
    private static String hostOf(String key) {
        String rest = SCHEME.matcher(key).replaceFirst("");
        int slash = rest.indexOf('/');
        return slash >= 0 ? rest.substring(0, slash) : rest;
    }

    private Optional<Credentials> decode(JsonNode entry, String key) {
        String identityToken = entry.path("identitytoken").asText("");
        if (!identityToken.isEmpty()) {
            return Optional.of(Credentials.identityToken(identityToken));
        }
        String auth = entry.path("auth").asText("");
        if (!auth.isEmpty()) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new DeployException("the Docker credentials for " + key + " in " + file
                        + " are malformed (auth is" + " not base64)");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new DeployException("the Docker credentials for " + key + " in " + file
                        + " are malformed (auth is" + " not user:password)");
            }
            return Optional.of(Credentials.basic(decoded.substring(0, colon), decoded.substring(colon + 1)));
        }
        String username = entry.path("username").asText("");
        return username.isEmpty()
                ? Optional.empty()
                : Optional.of(Credentials.basic(username, entry.path("password").asText("")));
    }

    /**
     * Runs {@code docker-credential-<helper> get}, which reads the server on stdin and answers JSON, and reads its
     * answer as Docker does: "credentials not found" means there are none for this server, any other failure is one.
     */
    private Optional<Credentials> fromHelper(String helper, String setting, String server) {
        String program = "docker-credential-" + helper;
        HelperRun run = exec(helper, setting, "get", server.getBytes(StandardCharsets.UTF_8));
        String text = new String(run.output(), StandardCharsets.UTF_8).strip();
        if (run.exitCode() != 0) {
            if (text.toLowerCase(Locale.ROOT).contains("credentials not found")) {
                return Optional.empty();
            }
            throw new DeployException(program + " get failed for " + server + ": "
                    + text.lines().findFirst().orElse("exit code " + run.exitCode()));
        }
        try {
            JsonNode answer = new ObjectMapper().readTree(run.output());
            String username = answer.path("Username").asText("");
            String secret = answer.path("Secret").asText("");
            return Optional.of(
                    username.equals("<token>")
                            ? Credentials.identityToken(secret)
                            : Credentials.basic(username, secret));
        } catch (IOException e) {
            throw new DeployException(program + " get failed for " + server + ": "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
    }

    /** {@code docker-credential-<helper> store} or {@code erase}, which answer nothing but their exit code. */
    private void runHelper(String helper, String action, byte[] input) {
        HelperRun run = exec(helper, "credHelpers or credsStore", action, input);
        if (run.exitCode() != 0) {
            String text = new String(run.output(), StandardCharsets.UTF_8).strip();
            throw new DeployException("docker-credential-" + helper + " " + action + " failed: "
                    + text.lines().findFirst().orElse("exit code " + run.exitCode()));
        }
    }

    private record HelperRun(int exitCode, byte[] output) {}

    private HelperRun exec(String helper, String setting, String action, byte[] input) {
        String program = "docker-credential-" + helper;
        Path executable = Stream.of(searchPath.split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, program))
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new DeployException("Docker's credential helper " + program + " (" + setting + " in "
                        + file + ") is not installed: install it, or remove it from that file"));
        try {
            Process process = new ProcessBuilder(executable.toString(), action)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            try (var stdin = process.getOutputStream()) {
                stdin.write(input);
            } catch (IOException e) {
                // A helper that failed before reading its input says why on stdout, read below.
            }
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new DeployException(program + " " + action + " did not answer within 30 s");
            }
            return new HelperRun(process.exitValue(), output);
        } catch (IOException e) {
            throw new DeployException(program + " " + action + " failed: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeployException("interrupted while running " + program + " " + action);
        }
    }
}
