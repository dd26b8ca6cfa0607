package dev.wasmesh.proxy.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Checks a peer's certificate chain against trusted CAs (the JDK's PKIX validation) and, for servers, its subject
 * alternative names, refusing with the reason Envoy's default certificate validator names. Used by both TLS
 * providers, so the reasons do not depend on which one runs.
 */
final class VerifyingTrustManager extends X509ExtendedTrustManager {
    /** The name check's failure as Envoy words it. */
    static final String SAN_MISMATCH = "verify SAN list";

    private final X509TrustManager pkix;
    /** Names a server certificate must carry one of; empty: the host the connection was opened for. */
    private final List<String> names;

    private VerifyingTrustManager(X509TrustManager pkix, List<String> names) {
        this.pkix = pkix;
        this.names = List.copyOf(names);
    }

    /** @param trusted the CAs to trust; null for the system's trust store */
    static VerifyingTrustManager of(List<X509Certificate> trusted, List<String> names) throws GeneralSecurityException {
        KeyStore store = null;
        if (trusted != null) {
            try {
                store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
            } catch (IOException e) {
                throw new GeneralSecurityException(e);
            }
            for (int i = 0; i < trusted.size(); i++) {
                store.setCertificateEntry("ca-" + i, trusted.get(i));
            }
        }
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(store);
        for (TrustManager tm : f.getTrustManagers()) {
            if (tm instanceof X509TrustManager) {
                return new VerifyingTrustManager((X509TrustManager) tm, names);
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkChain(chain, () -> pkix.checkServerTrusted(chain, authType));
        List<String> expected = names.isEmpty() && engine != null && engine.getPeerHost() != null
                ? List.of(engine.getPeerHost())
                : names;
        if (!expected.isEmpty() && expected.stream().noneMatch(n -> matches(chain[0], n))) {
            throw new CertificateVerifyException(
                    SAN_MISMATCH,
                    new CertificateException("certificate names none of " + expected + ": "
                            + chain[0].getSubjectX500Principal().getName()));
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkChain(chain, () -> pkix.checkClientTrusted(chain, authType));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkServerTrusted(chain, authType, (SSLEngine) null);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkClientTrusted(chain, authType, (SSLEngine) null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        checkServerTrusted(chain, authType, (SSLEngine) null);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        checkClientTrusted(chain, authType, (SSLEngine) null);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
    }

    private interface Check {
        void run() throws CertificateException;
    }

    /**
     * Validity first, certificate by certificate, so that the reason names the depth as OpenSSL's verifier does;
     * then the path to a trusted CA.
     */
    private static void checkChain(X509Certificate[] chain, Check pkixCheck) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateVerifyException("X509_verify_cert: no certificate", null);
        }
        for (int depth = 0; depth < chain.length; depth++) {
            try {
                chain[depth].checkValidity();
            } catch (CertificateExpiredException e) {
                throw new CertificateVerifyException(atDepth(depth, "certificate has expired"), e);
            } catch (CertificateNotYetValidException e) {
                throw new CertificateVerifyException(atDepth(depth, "certificate is not yet valid"), e);
            }
        }
        try {
            pkixCheck.run();
        } catch (CertificateException e) {
            X509Certificate last = chain[chain.length - 1];
            boolean selfSigned = last.getSubjectX500Principal().equals(last.getIssuerX500Principal());
            String reason;
            if (selfSigned && chain.length == 1) {
                reason = "self signed certificate";
            } else if (selfSigned) {
                reason = "self signed certificate in certificate chain";
            } else {
                reason = "unable to get local issuer certificate";
            }
            throw new CertificateVerifyException(atDepth(chain.length - 1, reason), e);
        }
    }

    private static String atDepth(int depth, String reason) {
        return "X509_verify_cert: certificate verification error at depth " + depth + ": " + reason;
    }

    /** RFC 6125: an IP address against the IP SANs; a host name against the DNS SANs, a leading "*." for one label. */
    static boolean matches(X509Certificate cert, String name) {
        Collection<List<?>> sans;
        try {
            sans = cert.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return false;
        }
        if (sans == null) {
            return false;
        }
        boolean ip = isIpLiteral(name);
        String host = name.toLowerCase(Locale.ROOT);
        for (List<?> san : sans) {
            int type = (Integer) san.get(0);
            String value = String.valueOf(san.get(1));
            if (ip && type == 7 && sameAddress(name, value)) {
                return true;
            }
            if (!ip && type == 2 && dnsMatches(value.toLowerCase(Locale.ROOT), host)) {
                return true;
            }
        }
        return false;
    }

    private static boolean dnsMatches(String pattern, String host) {
        if (pattern.startsWith("*.")) {
            int dot = host.indexOf('.');
            return dot > 0 && host.substring(dot).equals(pattern.substring(1));
        }
        return pattern.equals(host);
    }

    static boolean isIpLiteral(String s) {
        return s.indexOf(':') >= 0 || s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    private static boolean sameAddress(String a, String b) {
        try {
            // Literals only: getByName does not look a literal up.
            return InetAddress.getByName(strip(a)).equals(InetAddress.getByName(strip(b)));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String strip(String s) {
        return s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
    }
}
