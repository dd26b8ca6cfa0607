package dev.wasmesh.proxy.tls;

import java.security.cert.CertificateException;

/**
 * A peer certificate refused by {@link VerifyingTrustManager}, with the detail Envoy's certificate validator gives
 * (e.g. "X509_verify_cert: certificate verification error at depth 0: certificate has expired").
 */
final class CertificateVerifyException extends CertificateException {
    private static final long serialVersionUID = 1L;

    CertificateVerifyException(String detail, Throwable cause) {
        super(detail, cause);
    }
}
