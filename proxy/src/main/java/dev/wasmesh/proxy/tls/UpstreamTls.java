package dev.wasmesh.proxy.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * A cluster's TLS as Envoy's {@code UpstreamTlsContext} describes it: SNI, the CAs to trust (the system's by
 * default), an optional client certificate, ALPN. The server's certificate is always checked, its chain and its
 * names: the configured subject alternative names, else the SNI, else the endpoint's address.
 */
public final class UpstreamTls {
    private final String sni;
    private final List<String> subjectAltNames;
    private final boolean verify;
    private final SslContext http1;
    private final SslContext http2;

    /**
     * @param sni the server name to send and check, or null for the endpoint's host (sent if it is a name, not an
     *     address)
     * @param trustedCa PEM CA certificates, or null for the system's trust store
     * @param clientCertificate the certificate to present (mTLS), or null
     * @param alpn the ALPN protocols the configuration lists (empty: as for HTTP/1.1); HTTP/1.1 connections offer
     *     http/1.1 from it, gRPC connections h2
     * @param subjectAltNames names the server's certificate must carry one of; empty for the SNI or host
     * @param verify false for Envoy's {@code trust_chain_verification: ACCEPT_UNTRUSTED}: nothing is checked
     */
    public UpstreamTls(
            String sni,
            byte[] trustedCa,
            TlsCertificate clientCertificate,
            List<String> alpn,
            List<String> subjectAltNames,
            boolean verify) {
        this.sni = sni;
        this.subjectAltNames = List.copyOf(subjectAltNames);
        this.verify = verify;
        if (!alpn.isEmpty() && !alpn.contains(ApplicationProtocolNames.HTTP_1_1) && !alpn.contains("h2")) {
            throw new IllegalArgumentException("alpn_protocols " + alpn + ": wasmesh speaks http/1.1 and h2 upstream");
        }
        List<X509Certificate> trusted = trustedCa == null ? null : Pem.certificates(trustedCa, "trusted_ca");
        try {
            this.http1 = context(trusted, clientCertificate, ApplicationProtocolNames.HTTP_1_1);
            this.http2 = context(trusted, clientCertificate, ApplicationProtocolNames.HTTP_2);
        } catch (SSLException | GeneralSecurityException e) {
            throw new IllegalArgumentException("upstream TLS: " + e.getMessage(), e);
        }
    }

    private SslContext context(List<X509Certificate> trusted, TlsCertificate client, String protocol)
            throws SSLException, GeneralSecurityException {
        SslContextBuilder b = SslContextBuilder.forClient()
                .sslProvider(TlsProvider.provider())
                .applicationProtocolConfig(new ApplicationProtocolConfig(
                        ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        protocol));
        if (verify) {
            b.trustManager(VerifyingTrustManager.of(trusted, subjectAltNames));
        } else {
            b.trustManager(InsecureTrustManagerFactory.INSTANCE);
        }
        if (client != null) {
            b.keyManager(
                    new ByteArrayInputStream(client.certificateChain()), new ByteArrayInputStream(client.privateKey()));
        }
        return b.build();
    }

    /** The server name sent, or null. */
    public String sni() {
        return sni;
    }

    /**
     * A handler for a new connection to {@code host}: HTTP/1.1 (the router, HTTP call-outs) or, {@code http2},
     * gRPC calls. Its handshake must finish within {@code timeout}.
     */
    public SslHandler newHandler(ByteBufAllocator alloc, String host, int port, boolean http2, Duration timeout) {
        String name = sni != null ? sni : host;
        SSLEngine engine = (http2 ? this.http2 : http1).newEngine(alloc, name, port);
        SSLParameters params = engine.getSSLParameters();
        // SNI carries host names only (RFC 6066), never an address.
        params.setServerNames(VerifyingTrustManager.isIpLiteral(name) ? List.of() : List.of(new SNIHostName(name)));
        engine.setSSLParameters(params);
        SslHandler handler = new SslHandler(engine);
        handler.setHandshakeTimeoutMillis(Math.max(1, timeout.toMillis()));
        return handler;
    }
}
