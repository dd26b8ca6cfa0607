package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wasmesh.proxy.config.ClusterConfig;
import dev.wasmesh.proxy.config.Endpoint;
import dev.wasmesh.proxy.config.ProxyConfig;
import dev.wasmesh.proxy.config.RouteConfig;
import dev.wasmesh.proxy.transport.Transport;
import dev.wasmesh.proxy.upstream.EchoServer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The c-all filter (every host-function family) through the proxy, against real local servers. */
class CAllProxyTest {
    static MultiThreadIoEventLoopGroup group;
    static EchoServer echo;
    static TestUpstream backend;
    static TestProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        group = Transport.group(1);
        echo = EchoServer.start(new Endpoint("127.0.0.1", 0), group);
        backend = new TestUpstream("backend");
        ProxyConfig c = TestProxy.config("c-all")
                .addCluster(ClusterConfig.fromUrl("echo", "http://" + echo.address()))
                .addCluster(ClusterConfig.fromUrl("backend", backend.url()))
                .addRoute(new RouteConfig(
                        "special",
                        List.of(),
                        "/buffered-response",
                        null,
                        List.of(),
                        "backend",
                        RouteConfig.DEFAULT_TIMEOUT))
                .addRoute(RouteConfig.catchAll("echo"));
        proxy = TestProxy.start(c);
    }

    @AfterAll
    static void stop() {
        proxy.close();
        backend.close();
        echo.close();
        group.shutdownGracefully();
    }

    @Test
    void calloutPausesTheRequestUntilTheBackendAnswers() throws Exception {
        HttpResponse<String> r = proxy.get("/callout");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body())
                .contains("\"x-c-all-callout-status\":\"200\"")
                .contains("\"x-c-all-callout-body\":\"backend-says-hi\"")
                .contains("\"x-c-all-path\":\"/callout\"")
                .contains("\"x-c-all-root-id\":\"c-all\"");
        assertThat(r.headers().firstValue("x-c-all-response")).hasValue("yes");
    }

    @Test
    void localResponseAnswersWithoutTheUpstream() throws Exception {
        HttpResponse<String> r = proxy.get("/local");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).isEqualTo("denied by c-all");
        assertThat(r.headers().firstValue("x-c-all")).hasValue("local");
        assertThat(proxy.awaitOutput("\"GET /local HTTP/1.1\" 403", Duration.ofSeconds(5)))
                .isTrue();
        assertThat(proxy.stdout()).containsPattern("\"GET /local HTTP/1.1\" 403 .* c_all_denied");
    }

    @Test
    void aOneSegmentPropertyTheFilterSetReadsBack() throws Exception {
        HttpResponse<String> r = proxy.get("/property");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"x-c-all-property\":\"v\"").doesNotContain("x-c-all-error");
    }

    @Test
    void bufferedRequestBodyIsRewrittenWithItsNewLength() throws Exception {
        HttpResponse<String> r = proxy.post("/upper", "hello body", "x-buffer", "yes");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"body\":\"HELLO BODY\"").contains("\"content-length\":\"10\"");
    }

    @Test
    void largeStreamedBodyIsBufferedWholeBeforeTheRewrite() throws Exception {
        String big = "abc".repeat(100_000);
        HttpResponse<String> r = proxy.post("/upper", big, "x-buffer", "yes");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"body\":\"" + "ABC".repeat(100_000) + "\"");
    }

    @Test
    void bodyWithoutBufferingStreamsThroughUnchanged() throws Exception {
        HttpResponse<String> r = proxy.post("/plain", "hello body");
        assertThat(r.body()).contains("\"body\":\"hello body\"");
    }

    @Test
    void bufferedResponseBodyIsPrependedAndHeadersChanged() throws Exception {
        HttpResponse<String> r = proxy.get("/buffered-response");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("[c-all]upstream body");
        assertThat(r.headers().firstValue("content-length")).hasValue("20");
        assertThat(r.headers().firstValue("x-powered-by")).isEmpty();
        assertThat(r.headers().firstValue("x-c-all-replaced")).hasValue("yes");
    }

    @Test
    void closeStreamResetsTheClientConnection() {
        assertThatThrownBy(() -> proxy.get("/close")).isInstanceOf(IOException.class);
    }

    @Test
    void requestTrailersReachTheFilterAndTheUpstream() throws Exception {
        String req = "POST /trailers HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "5\r\nhello\r\n0\r\nx-t: 1\r\n\r\n";
        String resp = raw(req);
        assertThat(resp).startsWith("HTTP/1.1 200");
        assertThat(resp)
                .contains("\"body\":\"hello\"")
                .contains("\"x-c-all-trailer\":\"seen\"")
                .contains("\"x-t\":\"1\"");
    }

    @Test
    void timersTickOnTheRootContexts() throws Exception {
        assertThat(proxy.awaitOutput("tick 1", Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void customMetricsShowInAdminStats() throws Exception {
        proxy.get("/metric");
        proxy.post("/upper", "hello body", "x-buffer", "yes");
        HttpResponse<String> stats = proxy.adminGet("/stats");
        assertThat(stats.body()).containsPattern("wasmcustom\\.c_all_requests: [1-9]");
        HttpResponse<String> prom = proxy.adminGet("/stats/prometheus");
        assertThat(prom.body())
                .containsPattern("(?m)^c_all_requests [1-9]")
                // A histogram: one # TYPE line, buckets, sum and count.
                .containsOnlyOnce("# TYPE c_all_body_size histogram\n")
                .containsPattern("(?m)^c_all_body_size_bucket\\{le=\"\\+Inf\"\\} [1-9]")
                .containsPattern("(?m)^c_all_body_size_count [1-9]")
                .containsPattern("envoy_cluster_upstream_rq_total\\{envoy_cluster_name=\"echo\"\\} [1-9]");
        assertThat(proxy.adminGet("/ready").body()).isEqualTo("LIVE\n");
        assertThat(proxy.adminGet("/config_dump").body())
                .contains("\"root_id\":\"c-all\"")
                .contains("\"abi_version\":\"0.2.1\"");
    }

    @Test
    void loggingLevelChangesAtRunTime() throws Exception {
        java.net.http.HttpRequest post = java.net.http.HttpRequest.newBuilder(proxy.admin("/logging?level=warn"))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                .build();
        try {
            HttpResponse<String> r = proxy.client.send(post, HttpResponse.BodyHandlers.ofString());
            assertThat(r.body()).contains("wasm: warn");
            assertThat(proxy.adminGet("/logging?level=debug").statusCode()).isEqualTo(405);
        } finally {
            proxy.log.level(dev.wasmesh.host.abi.LogLevel.INFO);
        }
    }

    /**
     * Header bytes reach the filter as the client sent them, whatever their encoding: the request-map size it reads
     * counts "José" as 5 bytes in UTF-8 and 4 in Latin-1, and the upstream gets the same bytes.
     */
    @Test
    void theFilterSeesHeaderBytesAsSent() throws Exception {
        long ascii = headerSizeSeen("Jose");
        String utf8 = "Jos\u00c3\u00a9"; // the request is written one char per byte: C3 A9
        assertThat(headerSizeSeen(utf8)).isEqualTo(ascii + 1);
        assertThat(headerSizeSeen("Jos\u00e9")).isEqualTo(ascii);
        assertThat(raw(pairsRequest(utf8))).contains("\"x-value\":\"" + utf8 + "\"");
    }

    private static String pairsRequest(String value) {
        return "GET /pairs HTTP/1.1\r\nHost: x\r\nx-value: " + value + "\r\nConnection: close\r\n\r\n";
    }

    private static long headerSizeSeen(String value) throws IOException {
        String response = raw(pairsRequest(value));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"x-c-all-header-size\":\"(\\d+)\"")
                .matcher(response);
        assertThat(m.find()).as(response).isTrue();
        return Long.parseLong(m.group(1));
    }

    static String raw(String request) throws IOException {
        Endpoint ep = proxy.server.listenAddress();
        try (Socket s = new Socket(ep.host(), ep.port())) {
            s.setSoTimeout(20_000);
            OutputStream os = s.getOutputStream();
            os.write(request.getBytes(StandardCharsets.ISO_8859_1));
            os.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
