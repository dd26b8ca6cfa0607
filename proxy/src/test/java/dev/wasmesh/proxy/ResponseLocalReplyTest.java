package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.host.PluginConfig;
import dev.wasmesh.proxy.config.ClusterConfig;
import dev.wasmesh.proxy.config.FilterConfig;
import dev.wasmesh.proxy.config.ProxyConfig;
import dev.wasmesh.proxy.config.RouteConfig;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** proxy_send_local_response from a later phase than request headers: the response headers of the upstream's reply. */
class ResponseLocalReplyTest {
    @TempDir
    Path dir;

    @Test
    void aLocalReplyFromResponseHeadersReplacesTheUpstreamResponse() throws Exception {
        Path filter = Fixtures.compile(dir, "local-reply-on-response");
        try (TestUpstream upstream = new TestUpstream("real");
                TestProxy p = TestProxy.start(new ProxyConfig()
                        .workers(1)
                        .addFilter(FilterConfig.at(
                                filter.toString(),
                                null,
                                PluginConfig.builder().name("reply").build()))
                        .addCluster(ClusterConfig.fromUrl("real", upstream.url()))
                        .addRoute(RouteConfig.catchAll("real")))) {
            for (int i = 1; i <= 2; i++) { // the second on the same connection: the reply left it usable
                HttpResponse<String> r = p.get("/replace-me");
                assertThat(upstream.requests()).isEqualTo(i); // the request did reach the upstream
                assertThat(r.statusCode()).isEqualTo(401);
                assertThat(r.body()).isEqualTo("replaced by the filter");
                assertThat(r.headers().firstValue("x-replaced")).hasValue("yes");
                assertThat(r.headers().firstValue("x-upstream")).isEmpty();
            }
            assertThat(p.awaitOutput("\"GET /replace-me HTTP/1.1\" 401", Duration.ofSeconds(5)))
                    .isTrue();
            assertThat(p.stdout()).containsPattern("\"GET /replace-me HTTP/1.1\" 401 .* replaced_on_response");
        }
    }
}
