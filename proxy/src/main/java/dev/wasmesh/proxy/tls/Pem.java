package dev.wasmesh.proxy.tls;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** PEM text read once: certificates parsed to check them when the configuration loads, not on first use. */
final class Pem {
    private Pem() {}

    /** The certificates in {@code pem}, at least one; {@code what} names the source in the error. */
    static List<X509Certificate> certificates(byte[] pem, String what) {
        List<X509Certificate> out = new ArrayList<>();
        try {
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem))) {
                out.add((X509Certificate) c);
            }
        } catch (CertificateException e) {
            throw new IllegalArgumentException(what + ": not PEM certificates (" + e.getMessage() + ")", e);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(what + ": no certificate in it");
        }
        return out;
    }
}
