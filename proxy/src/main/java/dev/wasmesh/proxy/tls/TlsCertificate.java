package dev.wasmesh.proxy.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A certificate chain and its private key, both PEM (the key PKCS#8, unencrypted, as {@code openssl genpkey} writes
 * it), as Envoy's {@code tls_certificates} entry gives them.
 */
public record TlsCertificate(byte[] certificateChain, byte[] privateKey, String description) {
    public TlsCertificate {
        Pem.certificates(certificateChain, description + " certificate_chain");
    }

    /** Reads both files now, so that a missing file stops the start-up. */
    public static TlsCertificate files(Path certificateChain, Path privateKey) {
        return new TlsCertificate(read(certificateChain), read(privateKey), certificateChain + " and " + privateKey);
    }

    /** The bytes of a file the TLS configuration names, or a one-line error. */
    public static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }
}
