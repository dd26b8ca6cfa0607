package dev.wasmesh.deploy.oci;

import dev.wasmesh.deploy.DeployException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Loads a module from where a WasmPlugin's {@code url} may point, with the rules of Istio's agent: {@code oci://} pulls
 * an image of any variant (an expected sha256 is the image manifest's digest); {@code http://} and {@code https://}
 * download it, unwrap a gzip or tar wrapping, and check an expected sha256 against the module; {@code file://} reads a
 * local file.
 */
public final class RemoteModuleFetcher {
  /** tar.gz is two; more is a server playing games. */
  private static final int MAX_WRAPPINGS = 4;
  private final RegistryClient.Settings settings;
  private final HttpClient http;

  /** HTTPS registries with the user's Docker credentials. */
  public RemoteModuleFetcher() {
    this(RegistryClient.Settings.defaults());
  }

  public RemoteModuleFetcher(RegistryClient.Settings settings) {
    this.settings = settings;
    this.http = HttpClient.newBuilder()
        .connectTimeout(settings.timeout())
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
  }

  public byte[] fetch(String uri) {
    return fetch(uri, null);
  }

  /**
   * @param expectedSha256 hex or {@code sha256:}hex, or null to skip the check
   * @throws DeployException with a one-line reason when the module cannot be had or fails its checksum
   */
  public byte[] fetch(String uri, String expectedSha256) {
    String expected = expectedSha256 == null || expectedSha256.isBlank() ? null : Digests.normalizeHex(expectedSha256);
    String scheme = uri.contains("://") ? uri.substring(0, uri.indexOf("://")).toLowerCase(Locale.ROOT) : "";
    return switch (scheme) {
      case "oci" -> fromRegistry(uri, expected);
      case "http", "https" -> checked(uri, unwrap(download(parse(uri)), uri), expected);
      case "file" -> checked(uri, readModuleFile(filePath(uri)), expected);
      default -> throw new DeployException("cannot load a module from '" + uri
          + "': expected an oci://, https://, http:// or file:// URL");
    };
  }

  private static URI parse(String uri) {
    try {
      URI parsed = new URI(uri);
      if (parsed.getHost() == null && !parsed.getScheme().equalsIgnoreCase("file")) {
        throw new DeployException("'" + uri + "' is not a valid URL: it names no host");
      }
      return parsed;
    } catch (URISyntaxException e) {
      throw new DeployException("'" + uri + "' is not a valid URL: " + e.getMessage());
    }
  }

  private static Path filePath(String uri) {
    try {
      return Path.of(parse(uri));
    } catch (IllegalArgumentException e) {
      throw new DeployException("'" + uri + "' is not a file URL (file:///absolute/path): " + e.getMessage());
    }
  }

  private byte[] fromRegistry(String uri, String expected) {
    WasmImagePuller.Pulled pulled = new WasmImagePuller(new RegistryClient(settings)).pull(ImageReference.parse(uri));
    String digest = pulled.pinned().digest();
    if (expected != null && !digest.equals("sha256:" + expected)) {
      throw new DeployException("digest mismatch for " + uri + ": the image's manifest is " + digest + " but sha256 "
          + expected + " was expected (for oci:// the sha256 names the manifest, as in Istio)");
    }
    return pulled.module();
  }

  private byte[] download(URI uri) {
    for (int attempt = 1; ; attempt++) {
      HttpResponse<byte[]> response;
      try {
        response = http.send(HttpRequest.newBuilder(uri).timeout(settings.timeout()).GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException e) {
        if (attempt < settings.retry().maxAttempts()) {
          pause(settings.retry().backoff(attempt, null).toMillis());
          continue;
        }
        throw new DeployException("cannot download " + uri + ": "
            + (e instanceof ConnectException ? "connection refused" : e.getMessage()), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DeployException("interrupted while downloading " + uri);
      }
      if (RetryPolicy.isRetryable(response.statusCode()) && attempt < settings.retry().maxAttempts()) {
        pause(settings.retry().backoff(attempt, null).toMillis());
        continue;
      }
      if (response.statusCode() != 200) {
        throw new DeployException("cannot download " + uri + ": HTTP " + response.statusCode());
      }
      return response.body();
    }
  }

  /**
   * Servers often hand out modules gzip-compressed or in a tarball. As istio-agent does, peel gzip and tar (its first
   * entry) off until Wasm shows, and otherwise keep what was served, for the module check to refuse.
   */
  private static byte[] unwrap(byte[] body, String uri) {
    byte[] content = body;
    for (int layer = 0; layer < MAX_WRAPPINGS && !isWasm(content); layer++) {
      try {
        if (Tar.isGzip(content)) {
          content = Tar.gunzip(content, uri);
        } else if (Tar.isTar(content) && Tar.first(content, uri).isPresent()) {
          content = Tar.first(content, uri).get();
        } else {
          return body;
        }
      } catch (DeployException e) {
        return body;
      }
    }
    return isWasm(content) ? content : body;
  }

  private static boolean isWasm(byte[] content) {
    return content.length >= 4 && content[0] == 0 && content[1] == 'a' && content[2] == 's' && content[3] == 'm';
  }

  private static byte[] checked(String uri, byte[] module, String expected) {
    if (expected != null) {
      Digests.verify("sha256:" + expected, module, uri);
    }
    return module;
  }

  /** A module file's bytes; a missing or unreadable file is a one-line {@link DeployException}. */
  public static byte[] readModuleFile(Path path) {
    try {
      return Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new DeployException("module file " + path + " does not exist");
    } catch (IOException e) {
      throw new DeployException("cannot read module file " + path + ": " + e.getMessage());
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeployException("interrupted while waiting to retry");
    }
  }
}
