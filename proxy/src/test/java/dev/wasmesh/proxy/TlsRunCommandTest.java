package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.proxy.config.ProxyConfig;
import dev.wasmesh.proxy.envoy.EnvoyConfigException;
import dev.wasmesh.proxy.envoy.EnvoyConfigLoader;
import dev.wasmesh.testsupport.ProxyProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS options of {@code wasmesh run} in a real process, and the TLS fields of {@code --config} it refuses. */
class TlsRunCommandTest {
    @TempDir
    Path dir;

    @Test
    void tlsListenerWithClientCertificatesInFrontOfAnHttpsUpstream() throws Exception {
        TestCertificates.Issued ca = TestCertificates.ca("run CA");
        TestCertificates.Issued server = TestCertificates.leaf(ca, "CN=localhost", "dns:localhost", "ip:127.0.0.1");
        TestCertificates.Issued client = TestCertificates.leaf(ca, "CN=curl", "dns:client.test");
        Path serverCrt = server.write(dir, "server");
        Path caCrt = Files.writeString(dir.resolve("ca.crt"), ca.certificatePem());
        try (HttpsBackend upstream = new HttpsBackend("secure", server, null);
                ProxyProcess p = RunProcess.run(
                        TestProxy.wasm("seed").toString(),
                        "--upstream",
                        "https://localhost:" + upstream.port(),
                        "--upstream-ca",
                        caCrt.toString(),
                        "--tls-cert",
                        serverCrt.toString(),
                        "--tls-key",
                        dir.resolve("server.key").toString(),
                        "--tls-client-ca",
                        caCrt.toString())) {
            assertThat(p.output())
                    .containsPattern("listening on https://127\\.0\\.0\\.1:\\d+ \\(TLS: (BoringSSL|JDK)\\)");
            URI uri = URI.create("https://localhost:" + p.listen().split(":")[1] + "/through");
            HttpClient withCert = HttpClient.newBuilder()
                    .sslContext(client.context(ca.certificate()))
                    .build();
            HttpResponse<String> r = withCert.send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(r.headers().firstValue("hello")).hasValue("world");
            assertThat(r.body()).isEqualTo("secure /through client=none");
            assertThat(p.adminGet("/config_dump").body())
                    .contains("\"listener_tls\":{\"require_client_certificate\":true}")
                    .contains("\"tls\":{\"sni\":\"localhost\"}");
            HttpClient without = HttpClient.newBuilder()
                    .sslContext(TestCertificates.trusting(ca.certificate()))
                    .build();
            assertThatThrownBy(() -> without.send(
                            HttpRequest.newBuilder(uri)
                                    .timeout(Duration.ofSeconds(20))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void tlsOptionsThatCannotWorkAreUsageErrors() throws Exception {
        String seed = TestProxy.wasm("seed").toString();
        for (List<String> args : List.of(
                List.of("--tls-cert", "cert.pem"),
                List.of("--tls-client-ca", "ca.pem"),
                List.of("--tls-cert", dir.resolve("missing.crt").toString(), "--tls-key", "missing.key"),
                List.of("--upstream", "ftp://example.com"))) {
            List<String> all = new java.util.ArrayList<>(List.of("run", seed));
            all.addAll(args);
            try (ProxyProcess p = RunProcess.start(all.toArray(String[]::new))) {
                assertThat(p.awaitExit()).as(args.toString()).isEqualTo(2);
                assertThat(p.output())
                        .as(args.toString())
                        .containsAnyOf(
                                "--tls-cert and --tls-key go together",
                                "--tls-client-ca needs --tls-cert and --tls-key",
                                "missing.crt: no such file",
                                "expected http://HOST:PORT or https://HOST:PORT");
            }
        }
    }

    private static final String LISTENER_TLS = """
            static_resources:
              listeners:
              - name: main
                address: {socket_address: {address: 127.0.0.1, port_value: 0}}
                filter_chains:
                - transport_socket:
                    name: envoy.transport_sockets.tls
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
                      CONTEXT
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
                            route: {cluster: echo}
                      http_filters:
                      - name: envoy.filters.http.router
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
              clusters:
              - name: echo
                load_assignment:
                  cluster_name: echo
                  endpoints:
                  - lb_endpoints:
                    - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: 1}}}
            """;

    private ProxyConfig parse(String context) throws Exception {
        TestCertificates.Issued ca = TestCertificates.ca("config CA");
        TestCertificates.leaf(ca, "CN=localhost", "dns:localhost").write(dir, "server");
        Files.writeString(dir.resolve("ca.crt"), ca.certificatePem());
        return EnvoyConfigLoader.parse(
                LISTENER_TLS.replace("CONTEXT", context.replace("\n", "\n          ")), dir, LogLevel.INFO);
    }

    private static final String CERTS = """
            common_tls_context:
              tls_certificates:
              - certificate_chain: {filename: server.crt}
                private_key: {filename: server.key}
            """;

    @Test
    void listenerTlsFromTheConfigIsReadAndItsMistakesNamed() throws Exception {
        assertThat(parse(CERTS).listenerTls()).isNotNull();
        assertThatThrownBy(() -> parse("require_client_certificate: true\n" + CERTS))
                .isInstanceOf(EnvoyConfigException.class)
                .hasMessageContaining("require_client_certificate needs a validation_context with trusted_ca");
        assertThatThrownBy(() -> parse(CERTS + "  tls_params: {tls_minimum_protocol_version: TLSv1_3}\n"))
                .isInstanceOf(EnvoyConfigException.class)
                .hasMessage("line 14: static_resources.listeners[0].filter_chains[0].transport_socket.typed_config"
                        + ".common_tls_context.tls_params: field not supported by wasmesh");
        assertThatThrownBy(() -> parse(CERTS.replace("server.key", "nope.key")))
                .isInstanceOf(EnvoyConfigException.class)
                .hasMessageContaining("nope.key: no such file");
        assertThatThrownBy(() -> parse(CERTS + "  alpn_protocols: [h3]\n"))
                .isInstanceOf(EnvoyConfigException.class)
                .hasMessageContaining("wasmesh serves h2 and http/1.1, not h3");
    }
}
