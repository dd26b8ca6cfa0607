package dev.wasmesh.deploy.istio;

import dev.wasmesh.deploy.DeployException;
import dev.wasmesh.deploy.ProxyWasmModuleCheck;
import dev.wasmesh.deploy.oci.Digests;
import dev.wasmesh.deploy.oci.ImageReference;
import dev.wasmesh.deploy.oci.RegistryClient;
import dev.wasmesh.deploy.oci.RemoteModuleFetcher;
import dev.wasmesh.deploy.oci.WasmImagePuller;
import java.nio.file.Path;

/**
 * The module being deployed, already fetched and inspected, so that a bad module is refused before anything in the
 * cluster changes.
 *
 * @param source what the user named: a file path, or a URL
 * @param remoteUrl the URL istio-agent can fetch the module from, or null for a local file that must be copied in
 * @param remoteSha256 the checksum Istio verifies for {@code remoteUrl} (for oci:// the manifest digest), hex
 */
public record ModuleSource(String source, byte[] module, String remoteUrl, String remoteSha256) {
  /**
   * Loads {@code source} and runs the module check on it.
   *
   * @param expectedSha256 hex or {@code sha256:}hex that the module (for oci://, the image manifest, as in Istio)
   *     must have, or null to trust what the source serves now
   */
  public static ModuleSource load(String source, RegistryClient.Settings registry, String expectedSha256) {
    String expected = expectedSha256 == null ? null : Digests.normalizeHex(expectedSha256);
    ModuleSource loaded;
    if (source.startsWith("oci://")) {
      ImageReference ref = ImageReference.parse(source);
      WasmImagePuller.Pulled pulled = new WasmImagePuller(new RegistryClient(registry)).pull(ref);
      String manifestHex = pulled.pinned().digest().substring("sha256:".length());
      if (expected != null && !expected.equals(manifestHex)) {
        throw new DeployException("digest mismatch for " + source + ": the image's manifest is "
            + pulled.pinned().digest() + " but --sha256 " + expected + " was expected (for oci:// it names the"
            + " manifest, as in Istio)");
      }
      loaded = new ModuleSource(source, pulled.module(), source, manifestHex);
    } else if (source.startsWith("https://") || source.startsWith("http://")) {
      byte[] module = new RemoteModuleFetcher(registry).fetch(source, expected);
      loaded = new ModuleSource(source, module, source, Digests.sha256Hex(module));
    } else {
      byte[] module = RemoteModuleFetcher.readModuleFile(Path.of(source));
      if (expected != null) {
        Digests.verify("sha256:" + expected, module, source);
      }
      loaded = new ModuleSource(source, module, null, null);
    }
    ProxyWasmModuleCheck.check(loaded.module(), source);
    return loaded;
  }

  public boolean isLocal() {
    return remoteUrl == null;
  }

  public String moduleSha256() {
    return Digests.sha256Hex(module);
  }
}
