package dev.wasmesh.deploy.istio;

import dev.wasmesh.deploy.ProxyWasmModuleCheck;
import dev.wasmesh.deploy.oci.Digests;
import dev.wasmesh.deploy.oci.RegistryClient;
import dev.wasmesh.deploy.oci.RemoteModuleFetcher;

/**
 * The module being deployed, already fetched and inspected, so that a bad module is refused before anything in the
 * cluster changes.
 *
 * @param source what the user named: a file path, or a URL
 * @param moduleSha256 the module's SHA-256, hex
 * @param remoteUrl the URL istio-agent can fetch the module from, or null for a local file that must be copied in
 * @param remoteSha256 the checksum Istio verifies for {@code remoteUrl} (for oci:// the manifest digest), hex
 */
public record DeployedModule(String source, byte[] module, String moduleSha256, String remoteUrl, String remoteSha256) {
    /**
     * Loads {@code source} and runs the module check on it.
     *
     * @param expectedSha256 hex or {@code sha256:}hex that the module (for oci://, the image manifest, as in Istio)
     *     must have, or null to trust what the source serves now
     */
    public static DeployedModule load(String source, RegistryClient.Settings registry, String expectedSha256) {
        // The fetcher reads a blank sha256 as none; a blank --sha256 is a mistake, refused here.
        String expected = expectedSha256 == null ? null : Digests.normalizeHex(expectedSha256);
        RemoteModuleFetcher.Fetched fetched = new RemoteModuleFetcher(registry).load(source, expected);
        ProxyWasmModuleCheck.check(fetched.module(), source);
        boolean remote = source.startsWith("oci://") || source.startsWith("https://") || source.startsWith("http://");
        return remote
                ? new DeployedModule(source, fetched.module(), fetched.moduleSha256(), source, fetched.urlSha256())
                : new DeployedModule(source, fetched.module(), fetched.moduleSha256(), null, null);
    }

    public boolean isLocal() {
        return remoteUrl == null;
    }
}
