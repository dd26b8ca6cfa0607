package dev.wasmesh.proxy;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates the TLS tests make for themselves: a CA and the certificates it (or nobody) signs. */
final class TestCertificates {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** A key pair and its certificate (the chain is the certificate alone; the CA is what the peer trusts). */
    record Issued(KeyPair keys, X509Certificate certificate) {
        String certificatePem() {
            return pem(certificate);
        }

        String keyPem() {
            return "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'})
                            .encodeToString(keys.getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
        }

        /** Writes NAME.crt and NAME.key into {@code dir}; returns the certificate's path (the key's is beside it). */
        Path write(Path dir, String name) throws Exception {
            Files.writeString(dir.resolve(name + ".key"), keyPem());
            return Files.writeString(dir.resolve(name + ".crt"), certificatePem());
        }

        /** An SSLContext that presents this certificate and trusts {@code trusted}. */
        SSLContext context(X509Certificate trusted) throws Exception {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("me", keys.getPrivate(), new char[0], new X509Certificate[] {certificate});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, new char[0]);
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(kmf.getKeyManagers(), trustManagers(trusted), new SecureRandom());
            return c;
        }
    }

    private TestCertificates() {}

    static Issued ca(String cn) throws Exception {
        KeyPair keys = keys();
        X500Principal name = new X500Principal("CN=" + cn + ",O=wasmesh test");
        JcaX509v3CertificateBuilder b = builder(name, name, keys, Instant.now().minus(Duration.ofDays(1)), 30);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new Issued(keys, sign(b, keys.getPrivate()));
    }

    /**
     * A leaf certificate signed by {@code ca}, valid from {@code notBefore} for {@code days} days, with these
     * subject alternative names: "dns:NAME", "ip:ADDRESS", "uri:URI".
     */
    static Issued leaf(Issued ca, String subject, Instant notBefore, int days, String... sans) throws Exception {
        KeyPair keys = keys();
        JcaX509v3CertificateBuilder b =
                builder(ca.certificate().getSubjectX500Principal(), new X500Principal(subject), keys, notBefore, days);
        List<GeneralName> names = new ArrayList<>();
        for (String san : sans) {
            String v = san.substring(san.indexOf(':') + 1);
            names.add(
                    san.startsWith("dns:")
                            ? new GeneralName(GeneralName.dNSName, v)
                            : san.startsWith("ip:")
                                    ? new GeneralName(GeneralName.iPAddress, v)
                                    : new GeneralName(GeneralName.uniformResourceIdentifier, v));
        }
        if (!names.isEmpty()) {
            b.addExtension(
                    Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(new GeneralName[0])));
        }
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        return new Issued(keys, sign(b, ca.keys().getPrivate()));
    }

    /** A leaf valid from yesterday for a week. */
    static Issued leaf(Issued ca, String subject, String... sans) throws Exception {
        return leaf(ca, subject, Instant.now().minus(Duration.ofDays(1)), 7, sans);
    }

    static javax.net.ssl.TrustManager[] trustManagers(X509Certificate trusted) throws Exception {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", trusted);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        return tmf.getTrustManagers();
    }

    /** A client context that trusts {@code ca} and presents no certificate. */
    static SSLContext trusting(X509Certificate ca) throws Exception {
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, trustManagers(ca), new SecureRandom());
        return c;
    }

    static String pem(X509Certificate c) {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(c.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair keys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static JcaX509v3CertificateBuilder builder(
            X500Principal issuer, X500Principal subject, KeyPair keys, Instant notBefore, int days) {
        return new JcaX509v3CertificateBuilder(
                issuer,
                BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(notBefore),
                Date.from(notBefore.plus(Duration.ofDays(days))),
                subject,
                keys.getPublic());
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey issuerKey) throws Exception {
        byte[] der = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey))
                .getEncoded();
        return (X509Certificate)
                CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }

    static byte[] bytes(String pem) {
        return pem.getBytes(StandardCharsets.US_ASCII);
    }
}
