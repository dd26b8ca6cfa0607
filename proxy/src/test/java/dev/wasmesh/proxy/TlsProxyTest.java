package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wasmesh.host.PluginConfig;
import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.proxy.config.ClusterConfig;
import dev.wasmesh.proxy.config.Endpoint;
import dev.wasmesh.proxy.config.FilterConfig;
import dev.wasmesh.proxy.config.ProxyConfig;
import dev.wasmesh.proxy.config.RouteConfig;
import dev.wasmesh.proxy.envoy.EnvoyConfigLoader;
import dev.wasmesh.proxy.tls.DownstreamTls;
import dev.wasmesh.proxy.tls.TlsCertificate;
import dev.wasmesh.proxy.tls.TlsProvider;
import dev.wasmesh.proxy.tls.UpstreamTls;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on both sides of the proxy with real handshakes on loopback and certificates made here: HTTPS upstreams and
 * call-out clusters (refused with Envoy's reason when a certificate is expired, for another host or from an unknown
 * CA), a TLS listener speaking HTTP/1.1 and HTTP/2 by ALPN, client certificates, and what filters read of it all.
 * Runs once per TLS provider (subclasses).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TlsProxyTest {
    private static final String CONNECT_ERROR = "upstream connect error or disconnect/reset before headers. reset"
            + " reason: connection failure, transport failure reason: ";
    private static final String VERIFY_FAILED =
            "TLS_error:|268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED:verify cert failed: ";
    private static final Pattern PROPERTY = Pattern.compile("\"x-property-(hex|status)\":\"([^\"]*)\"");

    Path dir;

    TestCertificates.Issued ca;
    TestCertificates.Issued server;
    TestCertificates.Issued client;
    TestCertificates.Issued expired;
    TestCertificates.Issued otherHost;
    TestCertificates.Issued unknownCa;
    HttpsBackend good;
    HttpsBackend expiredBackend;
    HttpsBackend otherHostBackend;
    HttpsBackend unknownCaBackend;
    HttpsBackend mtlsBackend;
    Path propertyFilter;

    /** "jdk" or "boringssl". */
    abstract String provider();

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        dir = tmp;
        TlsProvider.select(provider());
        ca = TestCertificates.ca("test CA");
        server = TestCertificates.leaf(ca, "CN=localhost,O=wasmesh test", "dns:localhost", "ip:127.0.0.1");
        client = TestCertificates.leaf(
                ca, "CN=client,O=wasmesh test", "uri:spiffe://wasmesh.test/client", "dns:client.wasmesh.test");
        expired = TestCertificates.leaf(
                ca, "CN=localhost", Instant.now().minus(Duration.ofDays(10)), 2, "dns:localhost", "ip:127.0.0.1");
        otherHost = TestCertificates.leaf(ca, "CN=elsewhere", "dns:elsewhere.test");
        unknownCa = TestCertificates.leaf(
                TestCertificates.ca("another CA"), "CN=localhost", "dns:localhost", "ip:127.0.0.1");
        good = new HttpsBackend("good", server, null);
        expiredBackend = new HttpsBackend("expired", expired, null);
        otherHostBackend = new HttpsBackend("other-host", otherHost, null);
        unknownCaBackend = new HttpsBackend("unknown-ca", unknownCa, null);
        mtlsBackend = new HttpsBackend("mtls", server, ca.certificate());
        propertyFilter = Fixtures.compile(dir, "get-property");
    }

    @AfterAll
    void stop() {
        good.close();
        expiredBackend.close();
        otherHostBackend.close();
        unknownCaBackend.close();
        mtlsBackend.close();
        TlsProvider.select(System.getProperty(TlsProvider.PROPERTY, ""));
    }

    private byte[] caPem() {
        return TestCertificates.bytes(ca.certificatePem());
    }

    private TestProxy upstreamProxy(String url, byte[] trustedCa) throws Exception {
        return TestProxy.start(new ProxyConfig()
                .workers(1)
                .addCluster(ClusterConfig.fromUrl("upstream", url, trustedCa))
                .addRoute(RouteConfig.catchAll("upstream")));
    }

    @Test
    void httpsUpstreamIsVerifiedAgainstTheConfiguredCaByNameAndByAddress() throws Exception {
        for (String host : List.of("localhost", "127.0.0.1")) {
            try (TestProxy p = upstreamProxy("https://" + host + ":" + good.port(), caPem())) {
                HttpResponse<String> r = p.get("/hello");
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("good /hello client=none");
                // The pooled connection is reused: a second request needs no second handshake to succeed.
                assertThat(p.get("/again").body()).isEqualTo("good /again client=none");
            }
        }
    }

    @Test
    void expiredCertificateIsRefusedWithEnvoysReason() throws Exception {
        try (TestProxy p = upstreamProxy("https://localhost:" + expiredBackend.port(), caPem())) {
            HttpResponse<String> r = p.get("/");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body())
                    .isEqualTo(CONNECT_ERROR + VERIFY_FAILED
                            + "X509_verify_cert: certificate verification error at depth 0: certificate has expired"
                            + ":TLS_error_end");
            assertThat(p.awaitOutput("CERTIFICATE_VERIFY_FAILED", Duration.ofSeconds(10)))
                    .isTrue();
            assertThat(p.stdout()).contains(" UF ");
        }
    }

    @Test
    void certificateForAnotherHostIsRefused() throws Exception {
        try (TestProxy p = upstreamProxy("https://localhost:" + otherHostBackend.port(), caPem())) {
            HttpResponse<String> r = p.get("/");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).isEqualTo(CONNECT_ERROR + VERIFY_FAILED + "verify SAN list:TLS_error_end");
            assertThat(p.server.stats().counters())
                    .containsEntry("cluster.upstream.ssl.connection_error", 1L)
                    .containsEntry("cluster.upstream.ssl.fail_verify_san", 1L)
                    .doesNotContainKey("cluster.upstream.ssl.handshake");
        }
    }

    @Test
    void certificateFromAnUnknownCaIsRefused() throws Exception {
        try (TestProxy p = upstreamProxy("https://localhost:" + unknownCaBackend.port(), caPem())) {
            HttpResponse<String> r = p.get("/");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body())
                    .isEqualTo(CONNECT_ERROR + VERIFY_FAILED
                            + "X509_verify_cert: certificate verification error at depth 0: unable to get local"
                            + " issuer certificate:TLS_error_end");
        }
    }

    private TestProxy clusterProxy(int port, UpstreamTls tls) throws Exception {
        return TestProxy.start(new ProxyConfig()
                .workers(1)
                .addCluster(new ClusterConfig(
                        "upstream", List.of(new Endpoint("127.0.0.1", port)), Duration.ofSeconds(5), tls))
                .addRoute(RouteConfig.catchAll("upstream")));
    }

    @Test
    void configuredSubjectAltNamesDecideInsteadOfTheAddressAndAcceptUntrustedChecksNothing() throws Exception {
        // match_typed_subject_alt_names: the server's certificate must name one of them (the address is not asked).
        try (TestProxy p = clusterProxy(
                otherHostBackend.port(),
                new UpstreamTls(null, caPem(), null, List.of(), List.of("elsewhere.test"), true))) {
            assertThat(p.get("/").body()).isEqualTo("other-host / client=none");
        }
        try (TestProxy p = clusterProxy(
                good.port(), new UpstreamTls(null, caPem(), null, List.of(), List.of("elsewhere.test"), true))) {
            assertThat(p.get("/").body()).isEqualTo(CONNECT_ERROR + VERIFY_FAILED + "verify SAN list:TLS_error_end");
        }
        // trust_chain_verification: ACCEPT_UNTRUSTED: an unknown CA and a foreign name pass.
        try (TestProxy p = clusterProxy(
                unknownCaBackend.port(), new UpstreamTls("elsewhere.test", null, null, List.of(), List.of(), false))) {
            assertThat(p.get("/").body()).isEqualTo("unknown-ca / client=none");
        }
    }

    @Test
    void withoutACaTheSystemTrustStoreDecidesAndDoesNotKnowTheTestCa() throws Exception {
        try (TestProxy p = upstreamProxy("https://localhost:" + good.port(), null)) {
            HttpResponse<String> r = p.get("/");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).contains("unable to get local issuer certificate");
        }
    }

    @Test
    void plainHttpServerBehindAnHttpsUrlIsAWrongVersionNumber() throws Exception {
        try (TestUpstream plain = new TestUpstream("plain");
                TestProxy p = upstreamProxy("https://127.0.0.1:" + plain.port(), caPem())) {
            HttpResponse<String> r = p.get("/");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body())
                    .isEqualTo(CONNECT_ERROR
                            + "TLS_error:|268435703:SSL routines:OPENSSL_internal:WRONG_VERSION_NUMBER:TLS_error_end");
        }
    }

    @Test
    void aServerThatWantsAClientCertificateAndGetsNoneAnswersWithAnAlertThatIsNamed() throws Exception {
        // TLS 1.2, where the server refuses during the handshake (in 1.3 the client's handshake is done by then);
        // Netty's server sends its alert before it closes.
        SslContext strict = SslContextBuilder.forServer(server.keys().getPrivate(), server.certificate())
                .sslProvider(SslProvider.JDK)
                .protocols("TLSv1.2")
                .trustManager(ca.certificate())
                .clientAuth(ClientAuth.REQUIRE)
                .build();
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel listener = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(strict.newHandler(ch.alloc()), new ChannelInboundHandlerAdapter() {
                                @Override
                                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                    ctx.close(); // the refused handshake, expected
                                }
                            });
                        }
                    })
                    .bind("127.0.0.1", 0)
                    .sync()
                    .channel();
            int port = ((InetSocketAddress) listener.localAddress()).getPort();
            try (TestProxy p = upstreamProxy("https://localhost:" + port, caPem())) {
                HttpResponse<String> r = p.get("/");
                assertThat(r.statusCode()).isEqualTo(503);
                assertThat(r.body())
                        .isEqualTo(CONNECT_ERROR + "TLS_error:|268436498:SSL routines:OPENSSL_internal:"
                                + "SSLV3_ALERT_BAD_CERTIFICATE:TLS_error_end");
            }
        } finally {
            group.shutdownGracefully();
        }
    }

    @Test
    void httpCalloutGoesToAnHttpsCluster() throws Exception {
        ProxyConfig c = TestProxy.config("c-all")
                .addCluster(ClusterConfig.fromUrl("backend", "https://localhost:" + good.port(), caPem()));
        try (TestProxy p = TestProxy.start(c)) {
            HttpResponse<String> r = p.get("/callout");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body())
                    .contains("\"x-c-all-callout-status\":\"200\"")
                    .contains("\"x-c-all-callout-body\":\"backend-says-hi\"");
        }
        // The same call-out to a server whose certificate is refused fails as a reset: the filter sees no 200.
        ProxyConfig bad = TestProxy.config("c-all")
                .addCluster(ClusterConfig.fromUrl("backend", "https://localhost:" + expiredBackend.port(), caPem()));
        try (TestProxy p = TestProxy.start(bad)) {
            HttpResponse<String> r = p.get("/callout");
            assertThat(r.body()).doesNotContain("backend-says-hi").doesNotContain("\"x-c-all-callout-status\":\"200\"");
        }
    }

    @Test
    void grpcCallGoesToAnHttpsClusterOverHttp2ByAlpn() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        SslContext tls = SslContextBuilder.forServer(server.keys().getPrivate(), server.certificate())
                .applicationProtocolConfig(new ApplicationProtocolConfig(
                        ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        "h2"))
                .build();
        try (GrpcTestServer grpc = new GrpcTestServer(group, tls);
                TestProxy p = TestProxy.start(
                        TestProxy.config("c-all").addCluster(ClusterConfig.fromUrl("backend", grpc.url(), caPem())))) {
            HttpResponse<String> r = p.get("/grpc");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"x-c-all-grpc\":\"pong:c-all-ping\"");
            assertThat(grpc.paths).contains("/grpc.Service/Method");
        } finally {
            group.shutdownGracefully();
        }
    }

    private TestProxy tlsListener(byte[] clientCa, boolean require) throws Exception {
        DownstreamTls tls = new DownstreamTls(
                new TlsCertificate(
                        TestCertificates.bytes(server.certificatePem()),
                        TestCertificates.bytes(server.keyPem()),
                        "server"),
                clientCa,
                require,
                DownstreamTls.DEFAULT_ALPN);
        return TestProxy.start(new ProxyConfig()
                .workers(1)
                .listenerTls(tls)
                .addFilter(FilterConfig.at(
                        propertyFilter.toString(),
                        null,
                        PluginConfig.builder().name("get-property").build())));
    }

    private static HttpClient client(SSLContext context, HttpClient.Version version) {
        // The JDK's client sends the URI's host, localhost, as SNI.
        return HttpClient.newBuilder()
                .sslContext(context)
                .version(version)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    private static HttpResponse<String> get(HttpClient c, TestProxy p, String property) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(
                        "https://localhost:" + p.server.listenAddress().port() + "/tls"))
                .timeout(Duration.ofSeconds(30));
        if (property != null) {
            b.header("x-get-property", property);
        }
        return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The property as the filter read it: its text, "status N" if the read failed, "" if found empty. */
    private static String property(HttpClient c, TestProxy p, String property) throws Exception {
        HttpResponse<String> r = get(c, p, property);
        assertThat(r.statusCode()).isEqualTo(200);
        Matcher m = PROPERTY.matcher(r.body());
        assertThat(m.find()).as(r.body()).isTrue();
        if (m.group(1).equals("status")) {
            return "status " + m.group(2);
        }
        return m.group(2).equals("-")
                ? ""
                : new String(HexFormat.of().parseHex(m.group(2)), StandardCharsets.ISO_8859_1);
    }

    @Test
    void tlsListenerSpeaksHttp1AndHttp2ByAlpnAndFiltersSeeTheClientCertificate() throws Exception {
        try (TestProxy p = tlsListener(caPem(), true)) {
            assertThat(p.server.readyLine()).contains("listening on https://");
            SSLContext withCert = client.context(ca.certificate());
            HttpClient h1 = client(withCert, HttpClient.Version.HTTP_1_1);
            HttpResponse<String> r1 = get(h1, p, null);
            assertThat(r1.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(r1.body()).contains("\"x-forwarded-proto\":\"https\"");
            assertThat(p.server.stats().counter(p.listenerStat("ssl.handshake")))
                    .isEqualTo(1);
            HttpClient h2 = client(withCert, HttpClient.Version.HTTP_2);
            HttpResponse<String> r2 = get(h2, p, null);
            assertThat(r2.statusCode()).isEqualTo(200);
            assertThat(r2.version()).isEqualTo(HttpClient.Version.HTTP_2);

            for (HttpClient c : List.of(h1, h2)) {
                assertThat(property(c, p, "connection.mtls")).isEqualTo("\u0001");
                assertThat(property(c, p, "connection.tls_version")).isEqualTo("TLSv1.3");
                assertThat(property(c, p, "connection.requested_server_name")).isEqualTo("localhost");
                assertThat(property(c, p, "connection.subject_peer_certificate"))
                        .isEqualTo("CN=client,O=wasmesh test");
                assertThat(property(c, p, "connection.subject_local_certificate"))
                        .isEqualTo("CN=localhost,O=wasmesh test");
                assertThat(property(c, p, "connection.uri_san_peer_certificate"))
                        .isEqualTo("spiffe://wasmesh.test/client");
                assertThat(property(c, p, "connection.dns_san_peer_certificate"))
                        .isEqualTo("client.wasmesh.test");
                assertThat(property(c, p, "connection.dns_san_local_certificate"))
                        .isEqualTo("localhost");
                assertThat(property(c, p, "connection.uri_san_local_certificate"))
                        .isEqualTo("status 1");
                assertThat(property(c, p, "connection.sha256_peer_certificate_digest"))
                        .isEqualTo(HexFormat.of()
                                .formatHex(MessageDigest.getInstance("SHA-256")
                                        .digest(client.certificate().getEncoded())));
                assertThat(property(c, p, "connection.peer_certificate"))
                        .startsWith("-----BEGIN%20CERTIFICATE-----%0A");
            }
        }
    }

    @Test
    void anHttpsAbsoluteTargetIsTheTlsListenersOwn() throws Exception {
        try (TestProxy p = tlsListener(null, false);
                SSLSocket socket = (SSLSocket) TestCertificates.trusting(ca.certificate())
                        .getSocketFactory()
                        .createSocket("127.0.0.1", p.server.listenAddress().port())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream()
                    .write(("GET https://a.example:8443/abs?q HTTP/1.1\r\nhost: ignored\r\nconnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer)
                    .startsWith("HTTP/1.1 200")
                    .contains("\"path\":\"/abs?q\"")
                    .contains("\"host\":\"a.example:8443\"");
        }
    }

    @Test
    void requiredClientCertificateRefusesAClientWithout() throws Exception {
        try (TestProxy p = tlsListener(caPem(), true)) {
            HttpClient none = client(TestCertificates.trusting(ca.certificate()), HttpClient.Version.HTTP_1_1);
            assertThatThrownBy(() -> get(none, p, null)).isInstanceOf(IOException.class);
            // A certificate from a CA the listener does not trust is refused too.
            TestCertificates.Issued stranger =
                    TestCertificates.leaf(TestCertificates.ca("stranger CA"), "CN=stranger", "dns:stranger.test");
            HttpClient wrong = client(stranger.context(ca.certificate()), HttpClient.Version.HTTP_1_1);
            assertThatThrownBy(() -> get(wrong, p, null)).isInstanceOf(IOException.class);
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (p.server.stats().counter(p.listenerStat("ssl.connection_error")) < 2 && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            // Every refused handshake is counted (the JDK's client may try a refused connection twice).
            assertThat(p.server.stats().counter(p.listenerStat("ssl.connection_error")))
                    .isGreaterThanOrEqualTo(2);
            assertThat(p.server.stats().counter(p.listenerStat("ssl.handshake")))
                    .isZero();
        }
    }

    @Test
    void withoutAClientCertificateTheConnectionIsTlsButNotMtls() throws Exception {
        try (TestProxy p = tlsListener(caPem(), false)) {
            HttpClient none = client(TestCertificates.trusting(ca.certificate()), HttpClient.Version.HTTP_1_1);
            assertThat(property(none, p, "connection.mtls")).isEqualTo("\u0000");
            assertThat(property(none, p, "connection.tls_version")).isEqualTo("TLSv1.3");
            assertThat(property(none, p, "connection.subject_peer_certificate")).isEmpty();
            assertThat(property(none, p, "connection.sha256_peer_certificate_digest"))
                    .isEqualTo("status 1");
            assertThat(property(none, p, "connection.peer_certificate")).isEqualTo("status 1");
        }
    }

    @Test
    void plainListenerHasNoTlsProperties() throws Exception {
        try (TestProxy p = TestProxy.start(new ProxyConfig()
                .workers(1)
                .addFilter(FilterConfig.at(
                        propertyFilter.toString(),
                        null,
                        PluginConfig.builder().name("get-property").build())))) {
            for (String[] expected : new String[][] {
                {"connection.mtls", "\"x-property-hex\":\"00\""},
                {"connection.tls_version", "\"x-property-status\":\"1\""},
                {"connection.requested_server_name", "\"x-property-hex\":\"-\""},
                {"connection.subject_peer_certificate", "\"x-property-status\":\"1\""},
            }) {
                HttpResponse<String> r = p.get("/", "x-get-property", expected[0]);
                assertThat(r.body()).as(expected[0]).contains(expected[1]);
            }
            // Each HTTP/1.1 connection is its own: two clients, two connection ids and source ports.
            String[] ids = new String[2];
            String[] sources = new String[2];
            for (int i = 0; i < 2; i++) {
                HttpClient c = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .build();
                for (String prop : List.of("connection.id", "source.port")) {
                    HttpResponse<String> r = c.send(
                            HttpRequest.newBuilder(p.uri("/"))
                                    .header("x-get-property", prop)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    Matcher m = PROPERTY.matcher(r.body());
                    assertThat(m.find()).isTrue();
                    if (prop.equals("connection.id")) {
                        ids[i] = m.group(2);
                    } else {
                        sources[i] = m.group(2);
                    }
                }
            }
            assertThat(ids[0]).isNotEqualTo(ids[1]);
            assertThat(sources[0]).isNotEqualTo(sources[1]);
        }
    }

    @Test
    void envoyConfigWithTlsOnBothSidesAndAClientCertificateUpstream() throws Exception {
        Path serverCrt = server.write(dir, "server");
        Path clientCrt = client.write(dir, "client");
        Path caCrt = java.nio.file.Files.writeString(dir.resolve("ca.crt"), ca.certificatePem());
        String yaml = """
                static_resources:
                  listeners:
                  - name: main
                    address: {socket_address: {address: 127.0.0.1, port_value: 0}}
                    filter_chains:
                    - transport_socket:
                        name: envoy.transport_sockets.tls
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
                          require_client_certificate: false
                          common_tls_context:
                            alpn_protocols: [h2, http/1.1]
                            tls_certificates:
                            - certificate_chain: {filename: server.crt}
                              private_key: {filename: server.key}
                            validation_context:
                              trusted_ca: {filename: ca.crt}
                      filters:
                      - name: envoy.filters.network.http_connection_manager
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                          stat_prefix: ingress_http
                          route_config:
                            virtual_hosts:
                            - name: all
                              domains: ["*"]
                              routes:
                              - match: {prefix: "/"}
                                route: {cluster: secure}
                          http_filters:
                          - name: envoy.filters.http.router
                            typed_config:
                              "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
                  clusters:
                  - name: secure
                    connect_timeout: 2s
                    load_assignment:
                      cluster_name: secure
                      endpoints:
                      - lb_endpoints:
                        - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: PORT}}}
                    transport_socket:
                      name: envoy.transport_sockets.tls
                      typed_config:
                        "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext
                        sni: localhost
                        common_tls_context:
                          tls_certificates:
                          - certificate_chain: {filename: client.crt}
                            private_key: {filename: client.key}
                          validation_context:
                            trusted_ca: {inline_string: "CA"}
                            match_typed_subject_alt_names:
                            - san_type: DNS
                              matcher: {exact: localhost}
                """.replace("PORT", String.valueOf(mtlsBackend.port()))
                .replace("\"CA\"", "\"" + ca.certificatePem().replace("\n", "\\n") + "\"");
        assertThat(serverCrt).exists();
        assertThat(clientCrt).exists();
        assertThat(caCrt).exists();
        ProxyConfig config = EnvoyConfigLoader.parse(yaml, dir, LogLevel.INFO);
        try (TestProxy p = TestProxy.start(config)) {
            HttpClient c = client(TestCertificates.trusting(ca.certificate()), HttpClient.Version.HTTP_2);
            HttpResponse<String> r = get(c, p, null);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
            // The upstream required a client certificate and saw the proxy's.
            assertThat(r.body()).isEqualTo("mtls /tls client=CN=client,O=wasmesh test");
        }
    }
}
