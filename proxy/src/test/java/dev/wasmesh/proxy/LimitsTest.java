package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.proxy.config.ClusterConfig;
import dev.wasmesh.proxy.config.Endpoint;
import dev.wasmesh.proxy.config.Limits;
import dev.wasmesh.proxy.config.ProxyConfig;
import dev.wasmesh.proxy.config.RouteConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Envoy's answers when limits are hit or the upstream fails. */
class LimitsTest {
    @Test
    void tooLargeRequestHeadersGet431() throws Exception {
        try (TestProxy p = TestProxy.start(TestProxy.config("seed"))) {
            Endpoint ep = p.server.listenAddress();
            String req = "GET / HTTP/1.1\r\nHost: t\r\nx-big: " + "a".repeat(70 * 1024) + "\r\n\r\n";
            try (Socket s = new Socket(ep.host(), ep.port())) {
                s.setSoTimeout(20_000);
                OutputStream os = s.getOutputStream();
                os.write(req.getBytes(StandardCharsets.ISO_8859_1));
                os.flush();
                InputStream in = s.getInputStream();
                String resp = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                assertThat(resp).startsWith("HTTP/1.1 431");
            }
            assertThat(p.awaitOutput("http1.headers_too_large", Duration.ofSeconds(5)))
                    .isTrue();
        }
    }

    @Test
    void bufferedBodyOverTheLimitGets413() throws Exception {
        ProxyConfig c = TestProxy.config("c-all").limits(Limits.DEFAULT.withBufferLimitBytes(1024));
        try (TestProxy p = TestProxy.start(c)) {
            HttpResponse<String> r = p.post("/big", "x".repeat(4096), "x-buffer", "yes");
            assertThat(r.statusCode()).isEqualTo(413);
            assertThat(r.body()).isEqualTo("Payload Too Large");
            assertThat(p.awaitOutput("request_payload_too_large", Duration.ofSeconds(5)))
                    .isTrue();
            HttpResponse<String> small = p.post("/small", "abc", "x-buffer", "yes");
            assertThat(small.body()).contains("\"body\":\"ABC\"");
        }
    }

    @Test
    void upstreamConnectFailureGets503WithEnvoysBody() throws Exception {
        ProxyConfig c = TestProxy.config("seed")
                .addCluster(ClusterConfig.fromUrl("dead", "http://127.0.0.1:1"))
                .addRoute(RouteConfig.catchAll("dead"));
        try (TestProxy p = TestProxy.start(c)) {
            HttpResponse<String> r = p.get("/x");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body())
                    .isEqualTo(
                            "upstream connect error or disconnect/reset before headers. reset reason: connection failure");
            assertThat(r.headers().firstValue("hello")).hasValue("world");
            assertThat(p.awaitOutput(
                            "upstream_reset_before_response_started{connection_failure}", Duration.ofSeconds(5)))
                    .isTrue();
            assertThat(p.stdout()).contains("\" 503 UF ");
            assertThat(p.server.stats().counter("cluster.dead.upstream_cx_connect_fail"))
                    .isEqualTo(1);
        }
    }

    @Test
    void upstreamTimeoutGets504() throws Exception {
        try (TestUpstream slow = new TestUpstream("backend")) {
            ProxyConfig c = TestProxy.config("seed")
                    .addCluster(ClusterConfig.fromUrl("slow", slow.url()))
                    .addRoute(new RouteConfig("slow", List.of(), "/", null, List.of(), "slow", Duration.ofMillis(300)));
            try (TestProxy p = TestProxy.start(c)) {
                HttpResponse<String> r = p.get("/slow");
                assertThat(r.statusCode()).isEqualTo(504);
                assertThat(r.body()).isEqualTo("upstream request timeout");
                assertThat(p.awaitOutput("upstream_response_timeout", Duration.ofSeconds(5)))
                        .isTrue();
                assertThat(p.stdout()).contains("\" 504 UT ");
            }
        }
    }

    /** An upstream that reads each request's head and answers every one with {@code answer}, then closes. */
    private static ServerSocket scripted(String answer) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    s.setSoTimeout(10_000);
                    InputStream in = s.getInputStream();
                    int matched = 0;
                    while (matched < 4) { // up to the end of the head: these requests have no body
                        int c = in.read();
                        if (c < 0) {
                            break;
                        }
                        matched = c == "\r\n\r\n".charAt(matched) ? matched + 1 : c == '\r' ? 1 : 0;
                    }
                    s.getOutputStream().write(answer.getBytes(StandardCharsets.ISO_8859_1));
                } catch (IOException e) {
                    // closed by the test, or the proxy gave up on the connection
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return server;
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "HTTP/1.1 2x0 OK\r\n\r\n",
                "HTTP/1.1 200 OK\r\ncontent-length: 2\r\ntransfer-encoding: chunked\r\n\r\n",
                "HTTP/1.1 200 OK\r\nbad header\r\n\r\n",
            })
    void aMalformedUpstreamResponseGets502WithEnvoysProtocolErrorDetails(String answer) throws Exception {
        try (ServerSocket upstream = scripted(answer);
                TestProxy p = TestProxy.start(seedBefore(upstream))) {
            HttpResponse<String> r = p.get("/x");
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(r.body())
                    .isEqualTo(
                            "upstream connect error or disconnect/reset before headers. reset reason: protocol error");
            assertThat(p.awaitOutput("upstream_reset_before_response_started{protocol_error}", Duration.ofSeconds(5)))
                    .isTrue();
            assertThat(p.stdout()).contains("\" 502 UPE ");
        }
    }

    @Test
    void aResponseWithoutLengthEndsWhenTheUpstreamClosesAndArrivesWhole() throws Exception {
        try (ServerSocket upstream = scripted("HTTP/1.1 100 Continue\r\n\r\n"
                        + "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil the end");
                TestProxy p = TestProxy.start(seedBefore(upstream))) {
            HttpResponse<String> r = p.get("/x");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("until the end");
            assertThat(r.headers().firstValue("hello")).hasValue("world");
        }
    }

    /** The seed filter in front of {@code upstream}. */
    private static ProxyConfig seedBefore(ServerSocket upstream) {
        return TestProxy.config("seed")
                .addCluster(ClusterConfig.fromUrl("scripted", "http://127.0.0.1:" + upstream.getLocalPort()))
                .addRoute(RouteConfig.catchAll("scripted"));
    }
}
