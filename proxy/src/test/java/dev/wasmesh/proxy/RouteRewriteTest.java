package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.host.PluginConfig;
import dev.wasmesh.proxy.config.ClusterConfig;
import dev.wasmesh.proxy.config.FilterConfig;
import dev.wasmesh.proxy.config.ProxyConfig;
import dev.wasmesh.proxy.config.RouteConfig;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The router picks the route from the headers as the filters left them: the rewrite-route fixture sets
 * {@code :path} from x-set-path and {@code :authority} from x-set-authority; routes to upstream b match only the
 * rewritten values, everything else goes to upstream a.
 */
class RouteRewriteTest {
    @TempDir
    static Path dir;

    static TestUpstream a;
    static TestUpstream b;
    static TestProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        a = new TestUpstream("a");
        b = new TestUpstream("b");
        Path filter = Fixtures.compile(dir, "rewrite-route");
        proxy = TestProxy.start(new ProxyConfig()
                .workers(1)
                .addFilter(FilterConfig.at(
                        filter.toString(),
                        null,
                        PluginConfig.builder().name("rewrite").build()))
                .addCluster(ClusterConfig.fromUrl("a", a.url()))
                .addCluster(ClusterConfig.fromUrl("b", b.url()))
                .addRoute(new RouteConfig(
                        "b-host", List.of("b.example"), "/", null, List.of(), "b", RouteConfig.DEFAULT_TIMEOUT))
                .addRoute(new RouteConfig(
                        "b-path", List.of(), null, "/to-b", List.of(), "b", RouteConfig.DEFAULT_TIMEOUT))
                .addRoute(RouteConfig.catchAll("a")));
    }

    @AfterAll
    static void stop() {
        proxy.close();
        a.close();
        b.close();
    }

    @Test
    void unchangedHeadersTakeTheCatchAllRoute() throws Exception {
        HttpResponse<String> r = proxy.get("/start");
        assertThat(r.headers().firstValue("x-upstream")).hasValue("a");
        assertThat(r.body()).startsWith("a GET /start host=127.0.0.1:");
    }

    @Test
    void aPathSetByTheFilterIsRoutedOnAndForwarded() throws Exception {
        HttpResponse<String> r = proxy.get("/start", "x-set-path", "/to-b?q=1");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-upstream")).hasValue("b");
        assertThat(r.body()).startsWith("b GET /to-b?q=1 ");
    }

    @Test
    void anAuthoritySetByTheFilterIsRoutedOnAndForwardedAsHost() throws Exception {
        HttpResponse<String> r = proxy.get("/start", "x-set-authority", "b.example");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-upstream")).hasValue("b");
        assertThat(r.body()).isEqualTo("b GET /start host=b.example");
    }
}
