package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.proxy.config.ProxyConfig;
import dev.wasmesh.proxy.envoy.EnvoyConfigException;
import dev.wasmesh.proxy.envoy.EnvoyConfigLoader;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TCP listener from Envoy's configuration, as the Go SDK's network example has it: a network wasm filter, then the
 * TCP proxy (legacy name) to a cluster that is a second listener of the same proxy answering with a direct response.
 * The tcp-filter fixture upper-cases what the client sends and lower-cases what comes back, so a lower-case request
 * is valid HTTP by the time it reaches the HTTP listener, and its answer comes back lower-cased.
 */
class EnvoyTcpListenerTest {
    @TempDir
    Path dir;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private String yaml(Path filter, int tcpPort, int replyPort) {
        return """
                static_resources:
                  listeners:
                  - name: main
                    address: {socket_address: {address: 127.0.0.1, port_value: %d}}
                    filter_chains:
                    - filters:
                      - name: envoy.filters.network.wasm
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.network.wasm.v3.Wasm
                          config:
                            vm_config:
                              runtime: envoy.wasm.runtime.v8
                              code: {local: {filename: %s}}
                            configuration:
                              "@type": type.googleapis.com/google.protobuf.StringValue
                              value: t
                      - name: envoy.tcp_proxy
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy
                          stat_prefix: ingress
                          cluster: reply
                  - name: staticreply
                    address: {socket_address: {address: 127.0.0.1, port_value: %d}}
                    filter_chains:
                    - filters:
                      - name: envoy.http_connection_manager
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                          stat_prefix: ingress_http
                          codec_type: auto
                          route_config:
                            virtual_hosts:
                            - name: local
                              domains: ["*"]
                              routes:
                              - match: {prefix: "/"}
                                direct_response: {status: 200, body: {inline_string: "example body\\n"}}
                          http_filters:
                          - name: envoy.filters.http.router
                            typed_config:
                              "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
                  clusters:
                  - name: reply
                    connect_timeout: 1s
                    type: static
                    load_assignment:
                      cluster_name: reply
                      endpoints:
                      - lb_endpoints:
                        - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
                """.formatted(tcpPort, filter, replyPort, replyPort);
    }

    @Test
    void aTcpListenerRunsItsNetworkFilterBeforeTheTcpProxy() throws Exception {
        Path filter = Fixtures.compile(dir, "tcp-filter");
        int tcpPort = freePort();
        ProxyConfig c = EnvoyConfigLoader.parse(yaml(filter, tcpPort, freePort()), dir, LogLevel.INFO)
                .workers(1)
                .admin(null);
        assertThat(c.tcpListeners()).hasSize(1);
        try (TestProxy p = TestProxy.startAsConfigured(c);
                Socket s = new Socket(InetAddress.getLoopbackAddress(), tcpPort)) {
            s.setSoTimeout(20_000);
            s.getOutputStream()
                    .write("get / http/1.1\r\nhost: example\r\nconnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
            String answer = readAll(s.getInputStream());
            assertThat(answer).startsWith("http/1.1 200 ok\r\n").endsWith("example body\n");
            assertThat(p.server.readyLine()).contains("tcp 127.0.0.1:" + tcpPort + " -> cluster reply");
        }
    }

    @Test
    void anotherNetworkFilterBeforeTheTcpProxyIsRefusedWithItsPath() throws Exception {
        Path filter = Fixtures.compile(dir, "tcp-filter");
        String yaml = yaml(filter, freePort(), freePort())
                .replace(
                        "type.googleapis.com/envoy.extensions.filters.network.wasm.v3.Wasm",
                        "type.googleapis.com/envoy.extensions.filters.network.ratelimit.v3.RateLimit");
        assertThatThrownBy(() -> EnvoyConfigLoader.parse(yaml, dir, LogLevel.INFO))
                .isInstanceOf(EnvoyConfigException.class)
                .hasMessageContaining("filter_chains[0].filters[0].typed_config")
                .hasMessageContaining("network wasm filters");
    }

    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
}
