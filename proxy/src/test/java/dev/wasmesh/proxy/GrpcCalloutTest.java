package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class GrpcCalloutTest {
    @Test
    void grpcCallToALocalH2cServerResumesTheRequest() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (GrpcTestServer grpc = new GrpcTestServer(group);
             TestProxy proxy = TestProxy.start(TestProxy.config("c-all")
                     .addCluster(ClusterConfig.fromUrl("backend", grpc.url())))) {
            HttpResponse<String> r = proxy.get("/grpc");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"x-c-all-grpc\":\"pong:c-all-ping\"");
            assertThat(grpc.paths).contains("/grpc.Service/Method");
        } finally {
            group.shutdownGracefully();
        }
    }

    @Test
    void grpcCallToAClosedPortReportsUnavailable() throws Exception {
        try (TestProxy proxy = TestProxy.start(TestProxy.config("c-all")
                .addCluster(ClusterConfig.fromUrl("backend", "http://127.0.0.1:1")))) {
            HttpResponse<String> r = proxy.get("/grpc");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"x-c-all-grpc-status\":\"14\"");
        }
    }

    @Test
    void httpCalloutToAClosedPortStillResumesTheRequest() throws Exception {
        try (TestProxy proxy = TestProxy.start(TestProxy.config("c-all")
                .addCluster(ClusterConfig.fromUrl("backend", "http://127.0.0.1:1")))) {
            HttpResponse<String> r = proxy.get("/callout");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"x-c-all-callout-status\":\"\"").contains("\"x-c-all-callout-body\":\"\"");
        }
    }
}
