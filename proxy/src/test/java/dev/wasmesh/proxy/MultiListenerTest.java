package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.proxy.config.ProxyConfig;
import dev.wasmesh.proxy.envoy.EnvoyConfigLoader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several listeners, as the Go SDK's example configurations have them: the main listener runs the attribute probe
 * and routes to a cluster whose endpoint is a second listener, which runs the seed filter and answers with a direct
 * response. Each listener has its own port, filter chain, routes and stat prefix.
 */
class MultiListenerTest {
    @TempDir
    static Path dir;

    static TestProxy proxy;
    static int staticPort;

    @BeforeAll
    static void start() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            staticPort = s.getLocalPort();
        }
        Path probe = Fixtures.compile(dir, "attribute-probe");
        Path seed = TestProxy.wasm("seed");
        String yaml = """
                static_resources:
                  listeners:
                  - name: main
                    address: {socket_address: {address: 127.0.0.1, port_value: 0}}
                    filter_chains:
                    - name: main-chain
                      filters:
                      - name: envoy.http_connection_manager
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                          stat_prefix: ingress_http
                          route_config:
                            virtual_hosts:
                            - {name: main, domains: ["*"], routes: [{match: {prefix: /}, route: {cluster: primary}}]}
                          http_filters:
                          - name: envoy.filters.http.wasm
                            typed_config:
                              "@type": type.googleapis.com/udpa.type.v1.TypedStruct
                              type_url: type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm
                              value: {config: {vm_config: {runtime: v8, code: {local: {filename: "%s"}}}}}
                          - name: envoy.filters.http.router
                  - name: staticreply
                    address: {socket_address: {address: 127.0.0.1, port_value: %d}}
                    filter_chains:
                    - name: static-chain
                      filters:
                      - name: envoy.http_connection_manager
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                          stat_prefix: static
                          route_config:
                            virtual_hosts:
                            - name: local
                              domains: ["*"]
                              routes:
                              - match: {prefix: /}
                                direct_response: {status: 200, body: {inline_string: "hello from primary!\\n"}}
                          http_filters:
                          - name: seed
                            typed_config:
                              "@type": type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm
                              config: {root_id: seed, vm_config: {runtime: v8, code: {local: {filename: "%s"}}}}
                          - name: envoy.filters.http.router
                            typed_config: {}
                  clusters:
                  - name: primary
                    connect_timeout: 0.25s
                    type: STATIC
                    load_assignment:
                      cluster_name: primary
                      endpoints:
                      - lb_endpoints:
                        - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
                admin:
                  address: {socket_address: {address: 127.0.0.1, port_value: 0}}
                """.formatted(probe, staticPort, seed, staticPort);
        ProxyConfig config = EnvoyConfigLoader.parse(yaml, dir, LogLevel.INFO).workers(1);
        assertThat(config.moreListeners()).hasSize(1);
        proxy = TestProxy.start(config);
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    @Test
    void aRequestCrossesBothListenersAndTheirFilterChains() throws Exception {
        HttpResponse<String> r = proxy.get("/through");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("hello from primary!\n");
        // Set by the seed filter of the second listener, on its way back through the first.
        assertThat(r.headers().firstValue("hello")).hasValue("world");
        assertThat(proxy.server.listenAddresses()).hasSize(2);
        assertThat(proxy.server.listenAddresses().get(1).port()).isEqualTo(staticPort);
        assertThat(proxy.server.readyLine()).contains(", listener staticreply on http://127.0.0.1:" + staticPort);
        assertThat(proxy.adminGet("/config_dump").body())
                .contains("\"more_listeners\":[{\"name\":\"staticreply\",\"address\":\"127.0.0.1:" + staticPort)
                .contains("\"direct_response\":{");
    }

    @Test
    void theSecondListenerServesOnItsOwn() throws Exception {
        HttpResponse<String> r = proxy.client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + staticPort + "/direct"))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).isEqualTo("hello from primary!\n");
        assertThat(r.headers().firstValue("hello")).hasValue("world");
        // The probe runs on the first listener only: here x-property does nothing.
        HttpResponse<String> probed = proxy.client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + staticPort + "/"))
                        .header("x-property", "xds.filter_chain_name")
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(probed.statusCode()).isEqualTo(200);
        assertThat(probed.body()).isEqualTo("hello from primary!\n");
    }

    @Test
    void eachListenerHasItsOwnChainNameAndStats() throws Exception {
        HttpResponse<String> r = proxy.get("/", "x-property", "xds.filter_chain_name");
        assertThat(r.body()).isEqualTo("main-chain");
        proxy.get("/counted");
        assertThat(proxy.server.stats().counter("http.static.downstream_rq_total"))
                .isPositive();
        assertThat(proxy.server.stats().counter("http.ingress_http.downstream_rq_total"))
                .isPositive();
        assertThat(proxy.adminGet("/stats/prometheus").body())
                .containsPattern("envoy_http_downstream_rq_total\\{envoy_http_conn_manager_prefix=\"static\"\\} [1-9]");
    }
}
