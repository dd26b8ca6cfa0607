package dev.wasmesh.deploy.oci;

import dev.wasmesh.deploy.DeployException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Loads a module from where a WasmPlugin's {@code url} may point, with the rules of Istio's agent: {@code oci://} pulls
 * an image of any variant (an expected sha256 is the image manifest's digest); {@code http://} and {@code https://}
 * download it, unwrap a gzip or tar wrapping, and check an expected sha256 against the module; {@code file://} reads a
 * local file, and so does a plain path.
 */
public final class RemoteModuleFetcher {
    /** tar.gz is two; more is a server playing games. */
    private static final int MAX_WRAPPINGS = 4;

    private final RegistryClient registry;

    /**
     * A loaded module and two SHA-256s, hex: its own, and the one Istio checks for its URL.
     *
     * @param urlSha256 for oci:// the image manifest's digest, else the module's
     */
    public record Fetched(byte[] module, String moduleSha256, String urlSha256) {}

    /** HTTPS registries with the user's Docker credentials. */
    public RemoteModuleFetcher() {
        this(RegistryClient.Settings.defaults());
    }

    public RemoteModuleFetcher(RegistryClient.Settings settings) {
        this.registry = new RegistryClient(settings);
    }

    public byte[] fetch(String uri) {
        return fetch(uri, null);
    }

    /** The module of {@link #load}. */
    public byte[] fetch(String uri, String expectedSha256) {
        return load(uri, expectedSha256).module();
    }

    /**
     * @param location a URL, or the path of a local file
     * @param expectedSha256 hex or {@code sha256:}hex, or null to skip the check
     * @throws DeployException with a one-line reason when the module cannot be had or fails its checksum
     */
    public Fetched load(String location, String expectedSha256) {
        String expected =
                expectedSha256 == null || expectedSha256.isBlank() ? null : Digests.normalizeHex(expectedSha256);
        String scheme = location.contains("://")
                ? location.substring(0, location.indexOf("://")).toLowerCase(Locale.ROOT)
                : "";
        return switch (scheme) {
            case "oci" -> fromRegistry(location, expected);
            case "http", "https" -> checked(location, unwrap(registry.download(parse(location)), location), expected);
            case "file" -> checked(location, readFile(filePath(location), "module file"), expected);
            case "" -> checked(location, readFile(Path.of(location), "module file"), expected);
            default ->
                throw new DeployException("cannot load a module from '" + location
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

    private Fetched fromRegistry(String uri, String expected) {
        WasmImagePuller.Pulled pulled = new WasmImagePuller(registry).pull(ImageReference.parse(uri));
        String digest = pulled.pinned().digest();
        if (expected != null && !digest.equals("sha256:" + expected)) {
            throw new DeployException("digest mismatch for " + uri + ": the image's manifest is " + digest
                    + " but --sha256 " + expected + " was expected (for oci:// it names the manifest, as in Istio)");
        }
        return new Fetched(pulled.module(), Digests.sha256Hex(pulled.module()), digest.substring("sha256:".length()));
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
                    continue;
                }
                Optional<byte[]> first = Tar.isTar(content) ? Tar.first(content, uri) : Optional.empty();
                if (first.isEmpty()) {
                    return body;
                }
                content = first.get();
            } catch (DeployException e) {
                return body;
            }
        }
        return isWasm(content) ? content : body;
    }

    private static boolean isWasm(byte[] content) {
        return content.length >= 4 && content[0] == 0 && content[1] == 'a' && content[2] == 's' && content[3] == 'm';
    }

    private static Fetched checked(String what, byte[] module, String expected) {
        String sha256 = Digests.sha256Hex(module);
        if (expected != null) {
            Digests.verifyDigest("sha256:" + expected, "sha256:" + sha256, what);
        }
        return new Fetched(module, sha256, sha256);
    }

    /**
     * A file's bytes; a missing or unreadable file is a one-line {@link DeployException}.
     *
     * @param what names the file in the message: "module file", "config file"
     */
    public static byte[] readFile(Path path, String what) {
        try {
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new DeployException(what + " " + path + " does not exist");
        } catch (IOException e) {
            throw new DeployException("cannot read " + what + " " + path + ": " + e.getMessage());
        }
    }
}
