package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SeedProxyTest {
    static TestProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        proxy = TestProxy.start(TestProxy.config("seed"));
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    @Test
    void seedFilterSetsHelloWorldOnProxiedResponse() throws Exception {
        HttpResponse<String> r = proxy.get("/hello?x=1", "x-test", "abc");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().allValues("hello")).containsExactly("world");
        assertThat(r.body())
                .contains("\"path\":\"/hello?x=1\"")
                .contains("\"x-test\":\"abc\"")
                .contains("\"method\":\"GET\"");
        assertThat(proxy.awaitOutput("\"GET /hello?x=1 HTTP/1.1\" 200", Duration.ofSeconds(5)))
                .isTrue();
    }

    @Test
    void requestBodyReachesUpstream() throws Exception {
        HttpResponse<String> r = proxy.post("/echo", "some body");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"body\":\"some body\"").contains("\"content-length\":\"9\"");
        assertThat(r.headers().firstValue("hello")).hasValue("world");
    }

    @Test
    void keepAliveConnectionCarriesManyRequests() throws Exception {
        // A client of its own: its first request opens the one connection all five travel on.
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long before = proxy.server.stats().counter("http.ingress_http.downstream_cx_total");
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = client.send(
                    HttpRequest.newBuilder(proxy.uri("/n/" + i))
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"path\":\"/n/" + i + "\"");
        }
        assertThat(proxy.server.stats().counter("http.ingress_http.downstream_cx_total") - before)
                .isEqualTo(1);
    }

    @Test
    void http2ByUpgradeWorks() throws Exception {
        HttpClient h2 =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> r = h2.send(
                HttpRequest.newBuilder(proxy.uri("/h2"))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("hello")).hasValue("world");
        HttpResponse<String> r2 = h2.send(
                HttpRequest.newBuilder(proxy.uri("/h2b"))
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString("payload"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r2.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(r2.body()).contains("\"body\":\"payload\"");
        assertThat(r2.headers().firstValue("hello")).hasValue("world");
    }

    @Test
    void http2PriorKnowledgeWorks() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            CompletableFuture<Http2Headers> response = new CompletableFuture<>();
            Channel conn = proxy.connectHttp2(group);
            Http2StreamChannel stream = new Http2StreamChannelBootstrap(conn)
                    .handler(new SimpleChannelInboundHandler<Http2HeadersFrame>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, Http2HeadersFrame f) {
                            response.complete(f.headers());
                        }
                    })
                    .open()
                    .sync()
                    .getNow();
            stream.writeAndFlush(new DefaultHttp2HeadersFrame(
                    new DefaultHttp2Headers()
                            .method("GET")
                            .scheme("http")
                            .path("/prior")
                            .authority("test"),
                    true));
            Http2Headers h = response.get(30, TimeUnit.SECONDS);
            assertThat(h.status().toString()).isEqualTo("200");
            assertThat(h.get("hello").toString()).isEqualTo("world");
            conn.close().sync();
        } finally {
            group.shutdownGracefully();
        }
    }
}
