package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.host.PluginConfig;
import dev.wasmesh.proxy.config.ClusterConfig;
import dev.wasmesh.proxy.config.Endpoint;
import dev.wasmesh.proxy.config.FilterConfig;
import dev.wasmesh.proxy.config.ProxyConfig;
import dev.wasmesh.proxy.config.RouteConfig;
import dev.wasmesh.testsupport.Wat;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
                TestProxy p = TestProxy.start(new ProxyConfig()
                        .workers(1)
                        .admin(new Endpoint("127.0.0.1", 0))
                        .addFilter(FilterConfig.at(
                                filter.toString(),
                                null,
                                PluginConfig.builder().name("deny").build()))
                        .addFilter(TestProxy.filter(
                                "c-all", PluginConfig.builder().name("c-all").rootId("c-all")))
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
            assertThat(p.awaitOutput("\"POST /with-body HTTP/1.1\" 403", Duration.ofSeconds(5)))
                    .isTrue();
            assertThat(p.stdout()).contains("denied_then_continued");
        }
    }

    /**
     * A gRPC local reply's body becomes its grpc-message percent-encoded, so a filter that echoes client input with
     * CR LF in it cannot add headers to the response.
     */
    @Test
    void aGrpcLocalReplyBodyIsPercentEncodedIntoGrpcMessage() throws Exception {
        String wat = Fixtures.wat("local-reply-then-continue.wat")
                .replace("(data (i32.const 48) \"denied\")", "(data (i32.const 48) \"no\\0d\\0ax-injected: 1 50%\")")
                .replace("(i32.const 48) (i32.const 6)", "(i32.const 48) (i32.const 21)")
                .replace("(i32.const 25) (i32.const -1)", "(i32.const 25) (i32.const 13)");
        Path filter = Wat.write(dir, "grpc-deny", wat);
        try (TestUpstream upstream = new TestUpstream("real");
                TestProxy p = TestProxy.start(new ProxyConfig()
                        .workers(1)
                        .admin(new Endpoint("127.0.0.1", 0))
                        .addFilter(FilterConfig.at(
                                filter.toString(),
                                null,
                                PluginConfig.builder().name("deny").build()))
                        .addCluster(ClusterConfig.fromUrl("real", upstream.url()))
                        .addRoute(RouteConfig.catchAll("real")));
                java.net.Socket s = new java.net.Socket(
                        p.server.listenAddress().host(),
                        p.server.listenAddress().port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream()
                    .write(("POST /pkg.Svc/Call HTTP/1.1\r\nHost: x\r\ncontent-type: application/grpc\r\n"
                                    + "content-length: 0\r\nconnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            String head = response.substring(0, response.indexOf("\r\n\r\n") + 2);
            assertThat(head)
                    .startsWith("HTTP/1.1 200")
                    .contains("\r\ngrpc-status: 13\r\n")
                    .contains("\r\ngrpc-message: no%0D%0Ax-injected: 1 50%25\r\n")
                    .doesNotContain("\r\nx-injected");
        }
    }
}
