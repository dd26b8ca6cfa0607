package dev.wasmesh.proxy.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * The listener's TLS as Envoy's {@code DownstreamTlsContext} describes it: the server certificate, ALPN, and client
 * certificates checked against a CA when one is given (required with {@code require_client_certificate}).
 */
public final class DownstreamTls {
    /** What {@code wasmesh run --tls-cert} offers, as Istio's gateways do. */
    public static final List<String> DEFAULT_ALPN = List.of("h2", "http/1.1");

    private final SslContext context;
    private final boolean requireClientCertificate;

    /**
     * @param clientCa PEM CAs client certificates must chain to, or null for no client certificates
     * @param alpn the protocols offered, most preferred first; empty for no ALPN (clients speak HTTP/1.1)
     */
    public DownstreamTls(
            TlsCertificate certificate, byte[] clientCa, boolean requireClientCertificate, List<String> alpn) {
        if (requireClientCertificate && clientCa == null) {
            throw new IllegalArgumentException("require_client_certificate needs a validation_context with trusted_ca"
                    + " (--tls-client-ca FILE)");
        }
        for (String p : alpn) {
            if (!p.equals("h2") && !p.equals("http/1.1")) {
                throw new IllegalArgumentException("alpn_protocols: wasmesh serves h2 and http/1.1, not " + p);
            }
        }
        this.requireClientCertificate = requireClientCertificate;
        try {
            SslContextBuilder b = SslContextBuilder.forServer(
                            new ByteArrayInputStream(certificate.certificateChain()),
                            new ByteArrayInputStream(certificate.privateKey()))
                    .sslProvider(TlsProvider.provider());
            if (clientCa != null) {
                b.trustManager(VerifyingTrustManager.of(Pem.certificates(clientCa, "client CA"), List.of()))
                        .clientAuth(requireClientCertificate ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
            }
            if (!alpn.isEmpty()) {
                b.applicationProtocolConfig(new ApplicationProtocolConfig(
                        ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        alpn));
            }
            this.context = b.build();
        } catch (SSLException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "listener TLS (" + certificate.description() + "): " + rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    public boolean requireClientCertificate() {
        return requireClientCertificate;
    }

    /** The handler that terminates TLS on a new downstream connection. */
    public SslHandler newHandler(ByteBufAllocator alloc) {
        return context.newHandler(alloc);
    }
}
