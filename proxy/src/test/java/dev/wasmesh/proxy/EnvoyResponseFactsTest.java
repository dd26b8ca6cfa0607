package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.host.PluginConfig;
import dev.wasmesh.proxy.config.ClusterConfig;
import dev.wasmesh.proxy.config.Endpoint;
import dev.wasmesh.proxy.config.FilterConfig;
import dev.wasmesh.proxy.config.ProxyConfig;
import dev.wasmesh.proxy.config.RouteConfig;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What Envoy adds to every exchange that filters and clients see: the server header, upstream.address, admin's root. */
class EnvoyResponseFactsTest {
    @TempDir
    Path dir;

    @Test
    void responsesNameEnvoyAsTheServerAndFiltersSeeTheUpstreamAddress() throws Exception {
        Path filter = Fixtures.compile(dir, "upstream-address");
        try (TestUpstream upstream = new TestUpstream("real");
                TestProxy p = TestProxy.start(new ProxyConfig()
                        .workers(1)
                        .addFilter(FilterConfig.at(
                                filter.toString(), null, PluginConfig.builder().build()))
                        .addCluster(new ClusterConfig(
                                "real",
                                List.of(new Endpoint("127.0.0.1", upstream.port())),
                                ClusterConfig.DEFAULT_CONNECT_TIMEOUT))
                        .addRoute(RouteConfig.catchAll("real")))) {
            HttpResponse<String> r = p.get("/");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().allValues("server")).containsExactly("envoy");
            assertThat(r.headers().firstValue("x-upstream-address")).hasValue("127.0.0.1:" + upstream.port());
        }
    }

    @Test
    void theProxysOwnRepliesNameEnvoyToo() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        try (TestProxy p = TestProxy.start(new ProxyConfig()
                .workers(1)
                .addCluster(new ClusterConfig(
                        "gone", List.of(new Endpoint("127.0.0.1", dead)), ClusterConfig.DEFAULT_CONNECT_TIMEOUT))
                .addRoute(RouteConfig.catchAll("gone")))) {
            HttpResponse<String> r = p.get("/");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().allValues("server")).containsExactly("envoy");
        }
    }

    @Test
    void theAdminRootListsTheEndpoints() throws Exception {
        ProxyConfig c = TestProxy.config("seed").admin(new Endpoint("127.0.0.1", 0));
        try (TestProxy p = TestProxy.start(c)) {
            HttpResponse<String> r = p.adminGet("/");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("/stats", "/ready", "/config_dump");
        }
    }
}
