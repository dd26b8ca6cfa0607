package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.host.PluginConfig;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** proxy_send_local_response from request headers by a filter that then returns CONTINUE. */
class RequestLocalReplyTest {
    @TempDir
    Path dir;

    @Test
    void nothingOfTheRequestReachesTheNextFilterOrTheUpstream() throws Exception {
        Path filter = Fixtures.compile(dir, "local-reply-then-continue");
        try (TestUpstream upstream = new TestUpstream("real");
             TestProxy p = TestProxy.start(new ProxyConfig().workers(1).admin(new Endpoint("127.0.0.1", 0))
                     .addFilter(FilterConfig.at(filter.toString(), null, PluginConfig.builder().name("deny").build()))
                     .addFilter(TestProxy.filter("c-all", PluginConfig.builder().name("c-all").rootId("c-all")))
                     .addCluster(ClusterConfig.fromUrl("real", upstream.url()))
                     .addRoute(RouteConfig.catchAll("real")))) {
            HttpResponse<String> get = p.get("/anything");
            HttpResponse<String> post = p.post("/with-body", "a body for nobody", "x-buffer", "yes");
            for (HttpResponse<String> r : java.util.List.of(get, post)) {
                assertThat(r.statusCode()).isEqualTo(403);
                assertThat(r.body()).isEqualTo("denied");
                assertThat(r.headers().firstValue("x-denied")).hasValue("yes");
                // As Envoy, the local reply runs through the response path of every filter.
                assertThat(r.headers().firstValue("x-c-all-response")).hasValue("yes");
            }
            // As Envoy (stopNextIteration): the filter's CONTINUE did not let the request go on.
            assertThat(upstream.requests()).isZero();
            assertThat(p.adminGet("/stats/prometheus").body()).containsPattern("(?m)^c_all_requests 0$");
            assertThat(p.awaitOutput("\"POST /with-body HTTP/1.1\" 403", Duration.ofSeconds(5))).isTrue();
            assertThat(p.stdout()).contains("denied_then_continued");
        }
    }
}
