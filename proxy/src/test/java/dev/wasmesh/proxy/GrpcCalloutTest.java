package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.host.PluginConfig;
import dev.wasmesh.proxy.config.ClusterConfig;
import dev.wasmesh.proxy.config.FilterConfig;
import dev.wasmesh.proxy.config.ProxyConfig;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GrpcCalloutTest {
    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    @TempDir
    Path dir;

    @AfterEach
    void stopGroup() {
        group.shutdownGracefully();
    }

    @Test
    void grpcCallToALocalH2cServerResumesTheRequest() throws Exception {
        try (GrpcTestServer grpc = new GrpcTestServer(group);
                TestProxy proxy = TestProxy.start(
                        TestProxy.config("c-all").addCluster(ClusterConfig.fromUrl("backend", grpc.url())))) {
            HttpResponse<String> r = proxy.get("/grpc");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body())
                    .contains("\"x-c-all-grpc\":\"pong:c-all-ping\"")
                    .doesNotContain("x-c-all-grpc-status");
            assertThat(grpc.paths).contains("/grpc.Service/Method");
        }
    }

    @Test
    void grpcStreamToALocalH2cServerReportsItsMetadataMessagesAndClose() throws Exception {
        try (GrpcTestServer grpc = new GrpcTestServer(group);
                TestProxy proxy = TestProxy.start(
                        TestProxy.config("c-all").addCluster(ClusterConfig.fromUrl("backend", grpc.url())))) {
            HttpResponse<String> r = proxy.get("/grpc-stream");
            // initial metadata {content-type, x-md}, trailing {grpc-status, x-t}; the last of the two messages
            assertThat(r.body())
                    .contains("\"x-c-all-grpc\":\"two:c-all-stream\"")
                    .contains("\"x-c-all-grpc-metadata\":\"2/2\"")
                    .contains("\"x-c-all-grpc-status\":\"0\"");
            assertThat(grpc.paths).contains("/grpc.Service/Stream");
        }
    }

    @Test
    void grpcCallToAClosedPortReportsUnavailable() throws Exception {
        try (TestProxy proxy = TestProxy.start(
                TestProxy.config("c-all").addCluster(ClusterConfig.fromUrl("backend", "http://127.0.0.1:1")))) {
            HttpResponse<String> r = proxy.get("/grpc");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"x-c-all-grpc-status\":\"14\"").doesNotContain("\"x-c-all-grpc\"");
        }
    }

    @Test
    void httpCalloutToAClosedPortStillResumesTheRequest() throws Exception {
        try (TestProxy proxy = TestProxy.start(
                TestProxy.config("c-all").addCluster(ClusterConfig.fromUrl("backend", "http://127.0.0.1:1")))) {
            HttpResponse<String> r = proxy.get("/callout");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"x-c-all-callout-status\":\"\"").contains("\"x-c-all-callout-body\":\"\"");
        }
    }

    /** The grpc-callbacks fixture's whole log of gRPC callbacks after one request of the given kind. */
    private String callbacksAfter(GrpcTestServer grpc, String... headers) throws Exception {
        Path filter = Fixtures.compile(dir, "grpc-callbacks");
        try (TestProxy proxy = TestProxy.start(new ProxyConfig()
                .workers(1)
                .addFilter(FilterConfig.at(
                        filter.toString(),
                        null,
                        PluginConfig.builder().name("grpc").build()))
                .addCluster(ClusterConfig.fromUrl("backend", grpc.url())))) {
            assertThat(proxy.get("/call", headers).statusCode()).isEqualTo(200);
            HttpResponse<String> report = proxy.get("/report", "x-report", "1");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"x-grpc-callbacks\":\"([^\"]*)\"")
                    .matcher(report.body());
            assertThat(m.find()).as(report.body()).isTrue();
            return m.group(1);
        }
    }

    @Test
    void aUnaryCallThatSucceedsGetsItsMessageAloneThoughTheServerSentMetadataToo() throws Exception {
        try (GrpcTestServer grpc = new GrpcTestServer(group)) {
            // As Envoy's gRPC client: no metadata callbacks and no close for a unary call, only its response.
            assertThat(callbacksAfter(grpc)).isEqualTo("M");
        }
    }

    @Test
    void aUnaryCallThatFailsGetsItsCloseAlone() throws Exception {
        try (GrpcTestServer grpc = new GrpcTestServer(group)) {
            grpc.failWith(5, "not there");
            assertThat(callbacksAfter(grpc)).isEqualTo("C05");
        }
    }

    @Test
    void aStreamGetsEverythingAndStaysUntilTheFilterClosesIt() throws Exception {
        try (GrpcTestServer grpc = new GrpcTestServer(group)) {
            // Initial metadata, two messages, trailing metadata, close with 0; then, in the close callback, a send
            // (OK: Envoy keeps the stream the server closed), the filter's close (OK) and a send (NOT_FOUND, 1).
            assertThat(callbacksAfter(grpc, "x-stream", "1")).isEqualTo("IMMTC00001");
        }
    }

    @Test
    void aStreamTheServerFailsStillGetsBothMetadataCallbacks() throws Exception {
        try (GrpcTestServer grpc = new GrpcTestServer(group)) {
            grpc.failWith(7, "denied");
            // A trailers-only answer: Envoy reports empty initial metadata, then the answer as trailing metadata.
            assertThat(callbacksAfter(grpc, "x-stream", "1")).isEqualTo("ITC07001");
        }
    }
}
