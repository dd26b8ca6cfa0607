package dev.wasmesh.proxy.tls;

import dev.wasmesh.host.stream.TlsInfo;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.security.auth.x500.X500Principal;

/** What a finished handshake tells filters: worked out once per connection. */
public final class TlsSessions {
    private TlsSessions() {}

    /** The connection's facts for the {@code connection.*} properties. */
    public static TlsInfo info(SSLEngine engine) {
        SSLSession session = engine.getSession();
        X509Certificate local = first(session.getLocalCertificates());
        X509Certificate peer = null;
        // Asked only where a certificate can have come: without one, the providers answer with an exception.
        if (engine.getUseClientMode() || engine.getNeedClientAuth() || engine.getWantClientAuth()) {
            try {
                peer = first(session.getPeerCertificates());
            } catch (SSLPeerUnverifiedException e) {
                peer = null;
            }
        }
        return new TlsInfo(
                session.getProtocol(),
                peer != null,
                subject(local),
                subject(peer),
                san(local, 6),
                san(peer, 6),
                san(local, 2),
                san(peer, 2),
                peer == null ? "" : sha256(peer),
                peer == null ? "" : urlEncodedPem(peer));
    }

    /** The server name the client asked for (SNI), or "" if none. */
    public static String requestedServerName(SSLSession session) {
        if (session instanceof ExtendedSSLSession) {
            for (SNIServerName n : ((ExtendedSSLSession) session).getRequestedServerNames()) {
                if (n instanceof SNIHostName) {
                    return ((SNIHostName) n).getAsciiName();
                }
                if (n.getType() == 0) { // host_name, from a provider that does not build SNIHostName
                    return new String(n.getEncoded(), StandardCharsets.US_ASCII);
                }
            }
        }
        return "";
    }

    private static X509Certificate first(Certificate[] chain) {
        return chain != null && chain.length > 0 && chain[0] instanceof X509Certificate
                ? (X509Certificate) chain[0]
                : null;
    }

    /** RFC 2253, as Envoy prints subjects (X509_NAME_print_ex with XN_FLAG_RFC2253). */
    private static String subject(X509Certificate c) {
        return c == null ? "" : c.getSubjectX500Principal().getName(X500Principal.RFC2253);
    }

    /** The first subject alternative name of a type (2 DNS, 6 URI), or "". */
    private static String san(X509Certificate c, int type) {
        if (c == null) {
            return "";
        }
        Collection<List<?>> sans;
        try {
            sans = c.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return "";
        }
        if (sans != null) {
            for (List<?> san : sans) {
                if ((Integer) san.get(0) == type) {
                    return String.valueOf(san.get(1));
                }
            }
        }
        return "";
    }

    private static String sha256(X509Certificate c) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            return "";
        }
    }

    /** The certificate as PEM, URL-encoded, as Envoy's {@code urlEncodedPemEncodedPeerCertificate}. */
    private static String urlEncodedPem(X509Certificate c) {
        try {
            String pem = "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(c.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
            return URLEncoder.encode(pem, StandardCharsets.UTF_8).replace("+", "%20");
        } catch (CertificateEncodingException e) {
            return "";
        }
    }
}
