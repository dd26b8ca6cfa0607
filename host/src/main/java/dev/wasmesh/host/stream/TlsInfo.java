package dev.wasmesh.host.stream;

import java.util.Objects;

/**
 * A TLS connection's facts as Envoy's {@code Ssl::ConnectionInfo} gives them to the {@code connection.*} properties:
 * subjects in RFC 2253 form, the first URI and DNS subject alternative names, the peer certificate's SHA-256 digest in
 * lower-case hex and its PEM, URL-encoded. Empty strings stand for what the connection does not have.
 */
public record TlsInfo(
        String version,
        boolean peerCertificatePresented,
        String subjectLocalCertificate,
        String subjectPeerCertificate,
        String uriSanLocalCertificate,
        String uriSanPeerCertificate,
        String dnsSanLocalCertificate,
        String dnsSanPeerCertificate,
        String sha256PeerCertificateDigest,
        String urlEncodedPemPeerCertificate) {
    public TlsInfo {
        Objects.requireNonNull(version);
        Objects.requireNonNull(subjectLocalCertificate);
        Objects.requireNonNull(subjectPeerCertificate);
        Objects.requireNonNull(uriSanLocalCertificate);
        Objects.requireNonNull(uriSanPeerCertificate);
        Objects.requireNonNull(dnsSanLocalCertificate);
        Objects.requireNonNull(dnsSanPeerCertificate);
        Objects.requireNonNull(sha256PeerCertificateDigest);
        Objects.requireNonNull(urlEncodedPemPeerCertificate);
    }
}
