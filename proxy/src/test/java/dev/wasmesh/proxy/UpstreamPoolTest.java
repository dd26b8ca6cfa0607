package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.proxy.config.ClusterConfig;
import dev.wasmesh.proxy.config.Endpoint;
import dev.wasmesh.proxy.config.RouteConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A worker's upstream connections are pooled: counted where the upstream accepts them. */
class UpstreamPoolTest {
    private static TestProxy proxy(TestUpstream upstream) throws Exception {
        return TestProxy.start(TestProxy.config("seed")
                .workers(1)
                .addCluster(ClusterConfig.fromUrl("pooled", upstream.url()))
                .addRoute(RouteConfig.catchAll("pooled")));
    }

    @Test
    void sequentialRequestsReuseOneUpstreamConnection() throws Exception {
        try (TestUpstream upstream = new TestUpstream("pooled");
                TestProxy p = proxy(upstream)) {
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> r = p.get("/n/" + i);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).startsWith("pooled GET /n/" + i + " ");
            }
            assertThat(upstream.requests()).isEqualTo(20);
            assertThat(upstream.accepted()).isEqualTo(1);
            assertThat(p.server.stats().counter("cluster.pooled.upstream_cx_total"))
                    .isEqualTo(1);
        }
    }

    @Test
    void requestsFromManyDownstreamConnectionsShareThePool() throws Exception {
        try (TestUpstream upstream = new TestUpstream("pooled");
                TestProxy p = proxy(upstream)) {
            Endpoint ep = p.server.listenAddress();
            for (int i = 0; i < 5; i++) {
                // One connection per request: the client closes it, the upstream connection stays pooled.
                try (Socket s = new Socket(ep.host(), ep.port())) {
                    s.setSoTimeout(20_000);
                    OutputStream os = s.getOutputStream();
                    os.write(("GET /c/" + i + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    os.flush();
                    InputStream in = s.getInputStream();
                    String resp = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                    assertThat(resp).startsWith("HTTP/1.1 200").contains("pooled GET /c/" + i + " ");
                }
            }
            assertThat(p.server.stats().counter("http.ingress_http.downstream_cx_total"))
                    .isEqualTo(5);
            assertThat(upstream.requests()).isEqualTo(5);
            assertThat(upstream.accepted()).isEqualTo(1);
        }
    }
}
