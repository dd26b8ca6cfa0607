package dev.wasmesh.deploy.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wasmesh.deploy.DeployException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The credentials that {@code docker login} left: {@code auths} entries in {@code config.json} (in
 * {@code $DOCKER_CONFIG} or {@code ~/.docker}), and the {@code credHelpers}/{@code credsStore} helper programs it
 * names.
 */
public final class DockerConfig implements CredentialSource {
  private static final String DOCKER_HUB_KEY = "https://index.docker.io/v1/";
  private final JsonNode config;

  private DockerConfig(JsonNode config) {
    this.config = config;
  }

  /** The user's configuration; an absent file means no credentials. */
  public static DockerConfig load() {
    String dir = System.getenv("DOCKER_CONFIG");
    Path base = dir != null ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".docker");
    return load(base.resolve("config.json"));
  }

  public static DockerConfig load(Path file) {
    if (!Files.isRegularFile(file)) {
      return new DockerConfig(new ObjectMapper().createObjectNode());
    }
    try {
      return new DockerConfig(new ObjectMapper().readTree(file.toFile()));
    } catch (IOException e) {
      throw new DeployException("cannot read Docker credentials from " + file + ": " + e.getMessage());
    }
  }

  @Override
  public Optional<Credentials> lookup(String registry) {
    String helper = config.path("credHelpers").path(registry).asText(null);
    if (helper != null) {
      return fromHelper(helper, serverKey(registry));
    }
    Optional<Credentials> stored = fromAuths(registry);
    if (stored.isPresent()) {
      return stored;
    }
    String store = config.path("credsStore").asText(null);
    return store != null ? fromHelper(store, serverKey(registry)) : Optional.empty();
  }

  private static String serverKey(String registry) {
    return registry.equals(ImageReference.DOCKER_HUB) ? DOCKER_HUB_KEY : registry;
  }

  private Optional<Credentials> fromAuths(String registry) {
    JsonNode auths = config.path("auths");
    for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (hostOf(entry.getKey()).equals(hostOf(serverKey(registry)))) {
        return decode(entry.getValue(), entry.getKey());
      }
    }
    return Optional.empty();
  }

  /** Keys may be a bare host or a URL such as {@code https://index.docker.io/v1/}. */
  private static String hostOf(String key) {
    if (key.contains("://")) {
      URI uri = URI.create(key);
      return uri.getPort() > 0 ? uri.getHost() + ":" + uri.getPort() : uri.getHost();
    }
    int slash = key.indexOf('/');
    return slash > 0 ? key.substring(0, slash) : key;
  }

  private static Optional<Credentials> decode(JsonNode entry, String key) {
    String identityToken = entry.path("identitytoken").asText("");
    if (!identityToken.isEmpty()) {
      return Optional.of(Credentials.identityToken(identityToken));
    }
    String auth = entry.path("auth").asText("");
    if (!auth.isEmpty()) {
      String decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        throw new DeployException("the Docker credentials for " + key + " are malformed (auth is not user:password)");
      }
      return Optional.of(Credentials.basic(decoded.substring(0, colon), decoded.substring(colon + 1)));
    }
    String username = entry.path("username").asText("");
    return username.isEmpty() ? Optional.empty()
        : Optional.of(Credentials.basic(username, entry.path("password").asText("")));
  }

  /** Runs {@code docker-credential-<helper> get}, which reads the server on stdin and answers JSON. */
  private static Optional<Credentials> fromHelper(String helper, String server) {
    String program = "docker-credential-" + helper;
    try {
      Process process = new ProcessBuilder(program, "get").redirectErrorStream(true).start();
      process.getOutputStream().write(server.getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().close();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        // Helpers exit non-zero with "credentials not found" for servers they don't know.
        return Optional.empty();
      }
      JsonNode answer = new ObjectMapper().readTree(output);
      String username = answer.path("Username").asText("");
      String secret = answer.path("Secret").asText("");
      return Optional.of(username.equals("<token>") ? Credentials.identityToken(secret)
          : Credentials.basic(username, secret));
    } catch (IOException e) {
      throw new DeployException("Docker's credential helper " + program + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeployException("interrupted while asking " + program + " for credentials");
    }
  }
}
