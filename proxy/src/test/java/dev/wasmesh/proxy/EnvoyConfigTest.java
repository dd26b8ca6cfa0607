package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wasmesh.host.FailurePolicy;
import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.proxy.config.Endpoint;
import dev.wasmesh.proxy.config.Limits;
import dev.wasmesh.proxy.config.ProxyConfig;
import dev.wasmesh.proxy.envoy.EnvoyConfigException;
import dev.wasmesh.proxy.envoy.EnvoyConfigLoader;
import dev.wasmesh.proxy.transport.Transport;
import dev.wasmesh.proxy.upstream.EchoServer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EnvoyConfigTest {
    static String exampleYaml() throws Exception {
        return Files.readString(TestProxy.examples().resolve("envoy.yaml"), StandardCharsets.UTF_8);
    }

    static ProxyConfig parse(String yaml) throws EnvoyConfigException {
        return EnvoyConfigLoader.parse(yaml, TestProxy.examples().getParent(), LogLevel.INFO);
    }

    @Test
    void exampleEnvoyYamlRunsTheSeedFilterInFrontOfTheEchoCluster() throws Exception {
        MultiThreadIoEventLoopGroup group = Transport.group(1);
        try (EchoServer echo = EchoServer.start(new Endpoint("127.0.0.1", 0), group)) {
            // The example's fixed ports, moved to free ones for the test.
            String yaml = exampleYaml()
                    .replace("port_value: 8080", "port_value: " + echo.address().port());
            ProxyConfig c = parse(yaml).workers(2);
            assertThat(c.listen()).isEqualTo(new Endpoint("127.0.0.1", 10000));
            assertThat(c.filters()).hasSize(1);
            assertThat(c.filters().get(0).plugin().rootId()).isEqualTo("seed");
            assertThat(c.filters().get(0).plugin().failurePolicy()).isEqualTo(FailurePolicy.FAIL_CLOSED);
            try (TestProxy p = TestProxy.start(c)) {
                HttpResponse<String> r = p.get("/from-envoy-yaml");
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.headers().firstValue("hello")).hasValue("world");
                assertThat(r.body()).contains("\"path\":\"/from-envoy-yaml\"");
            }
        } finally {
            group.shutdownGracefully();
        }
    }

    @Test
    void unsupportedFieldIsAnErrorNamingItsPath() throws Exception {
        String yaml = exampleYaml()
                .replace(
                        "          codec_type: AUTO\n",
                        "          codec_type: AUTO\n          use_remote_address: true\n");
        assertThatThrownBy(() -> parse(yaml))
                .isInstanceOf(EnvoyConfigException.class)
                .hasMessage("line 18: static_resources.listeners[0].filter_chains[0].filters[0].typed_config"
                        + ".use_remote_address: "
                        + "field not supported by wasmesh");
    }

    @Test
    void theConnectionManagersTimeoutsAndTheListenersBufferLimitReachTheLimits() throws Exception {
        String yaml = exampleYaml()
                .replace(
                        "          codec_type: AUTO\n",
                        "          codec_type: AUTO\n"
                                + "          request_headers_timeout: 2s\n          request_timeout: 30s\n"
                                + "          stream_idle_timeout: 0.5s\n          common_http_protocol_options: { idle_timeout: 60s }\n");
        Limits l = parse(yaml).limits();
        assertThat(l.requestHeadersTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(l.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(l.streamIdleTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(l.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(parse(exampleYaml()).limits()).isEqualTo(Limits.DEFAULT);
    }

    @Test
    void wasmFieldsMapToThePluginConfiguration() throws Exception {
        String yaml = exampleYaml()
                .replace("                  value: \"\"\n", "                  value: \"my-config\"\n")
                .replace("                failure_policy: FAIL_CLOSED\n", "                fail_open: true\n")
                .replace(
                        "                  runtime: envoy.wasm.runtime.v8\n",
                        "                  runtime: envoy.wasm.runtime.anything\n"
                                + "                  environment_variables: { key_values: { A: b } }\n");
        ProxyConfig c = parse(yaml);
        assertThat(new String(c.filters().get(0).plugin().pluginConfiguration(), StandardCharsets.UTF_8))
                .isEqualTo("my-config");
        assertThat(c.filters().get(0).plugin().failurePolicy()).isEqualTo(FailurePolicy.FAIL_OPEN);
        assertThat(c.filters().get(0).plugin().environment()).containsEntry("A", "b");
        assertThat(Path.of(c.filters().get(0).location())).isEqualTo(TestProxy.wasm("seed"));
    }

    @Test
    void routesByPathAndHeaderPickTheirClusters() throws Exception {
        String yaml = exampleYaml()
                .replace(
                        "              - match: { prefix: \"/\" }\n",
                        "              - match: { path: \"/exact\", headers: [{ name: x-pick, string_match: { exact: a } }] }\n"
                                + "                route: { cluster: other }\n"
                                + "              - match: { prefix: \"/\" }\n")
                .replace(
                        "  clusters:\n",
                        "  clusters:\n  - name: other\n    type: STRICT_DNS\n    load_assignment:\n"
                                + "      cluster_name: other\n      endpoints:\n      - lb_endpoints:\n        - endpoint:\n"
                                + "            address: { socket_address: { address: localhost, port_value: 9 } }\n");
        ProxyConfig c = parse(yaml);
        dev.wasmesh.host.stream.HeaderMap h =
                dev.wasmesh.host.stream.HeaderMap.of(":path", "/exact?q", ":authority", "x", "x-pick", "a");
        assertThat(c.routes().stream()
                        .filter(r -> r.matches(h))
                        .findFirst()
                        .orElseThrow()
                        .cluster())
                .isEqualTo("other");
        h.set("x-pick", "b");
        assertThat(c.routes().stream()
                        .filter(r -> r.matches(h))
                        .findFirst()
                        .orElseThrow()
                        .cluster())
                .isEqualTo("echo");
    }

    @Test
    void aRouteToAnUndefinedClusterIsRefused() throws Exception {
        String yaml = exampleYaml().replace("route: { cluster: echo, timeout: 15s }", "route: { cluster: nope }");
        assertThatThrownBy(() -> parse(yaml))
                .isInstanceOf(EnvoyConfigException.class)
                .hasMessageContaining("nope");
    }
}
