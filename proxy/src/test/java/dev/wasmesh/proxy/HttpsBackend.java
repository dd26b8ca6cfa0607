package dev.wasmesh.proxy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * An HTTPS server on loopback (the JDK's) presenting {@code certificate}: {@code /callout-target} answers
 * "backend-says-hi", everything else "NAME PATH client=SUBJECT" (the client certificate's subject, or "none").
 * With a client CA, it requires client certificates that chain to it.
 */
final class HttpsBackend implements AutoCloseable {
    private final HttpsServer server;

    HttpsBackend(String name, TestCertificates.Issued certificate, X509Certificate clientCa) throws Exception {
        this(name, certificate, clientCa, null);
    }

    /** @param protocols the TLS versions it speaks (e.g. TLSv1.2), or null for the JDK's default */
    HttpsBackend(String name, TestCertificates.Issued certificate, X509Certificate clientCa, String[] protocols)
            throws Exception {
        SSLContext context = certificate.context(clientCa != null ? clientCa : certificate.certificate());
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = context.getDefaultSSLParameters();
                p.setNeedClientAuth(clientCa != null);
                if (protocols != null) {
                    p.setProtocols(protocols);
                }
                params.setSSLParameters(p);
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.createContext("/callout-target", ex -> reply(ex, 200, "backend-says-hi"));
        server.createContext("/", ex -> {
            String client;
            try {
                client = ((HttpsExchange) ex).getSSLSession().getPeerPrincipal().getName();
            } catch (SSLPeerUnverifiedException e) {
                client = "none";
            }
            reply(ex, 200, name + " " + ex.getRequestURI() + " client=" + client);
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
    }

    /** Answers {@code ex} with {@code status} and a text {@code body}, after reading the request's body. */
    static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getRequestBody().readAllBytes();
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(b);
        }
    }
}
