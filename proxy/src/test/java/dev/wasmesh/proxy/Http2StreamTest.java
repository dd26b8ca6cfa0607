package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wasmesh.proxy.config.ClusterConfig;
import dev.wasmesh.proxy.config.RouteConfig;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** HTTP/2 streams frame by frame (prior knowledge): what reaches the upstream, and what comes back. */
class Http2StreamTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static TestProxy proxy;
    static MultiThreadIoEventLoopGroup group;

    @BeforeAll
    static void start() throws Exception {
        proxy = TestProxy.start(TestProxy.config("seed"));
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stop() {
        proxy.close();
        group.shutdownGracefully();
    }

    /** What came back on one stream: the headers of its HEADERS frames in order, the body, and its DATA frames. */
    record Answer(List<Http2Headers> headers, byte[] body, int dataFrames) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static Answer exchange(Http2StreamFrame... frames) throws Exception {
        return exchange(proxy, frames);
    }

    private static Answer exchange(TestProxy proxy, Http2StreamFrame... frames) throws Exception {
        Channel conn = proxy.connectHttp2(group);
        try {
            CompletableFuture<Answer> done = new CompletableFuture<>();
            List<Http2Headers> headers = new ArrayList<>();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            int[] dataFrames = {0};
            Http2StreamChannel stream = new Http2StreamChannelBootstrap(conn)
                    .handler(new SimpleChannelInboundHandler<Http2StreamFrame>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame f) {
                            boolean end = false;
                            if (f instanceof Http2HeadersFrame h) {
                                headers.add(h.headers());
                                end = h.isEndStream();
                            } else if (f instanceof Http2DataFrame d) {
                                body.writeBytes(ByteBufUtil.getBytes(d.content()));
                                dataFrames[0]++;
                                end = d.isEndStream();
                            }
                            if (end) {
                                done.complete(new Answer(headers, body.toByteArray(), dataFrames[0]));
                            }
                        }

                        @Override
                        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                            if (event instanceof Http2ResetFrame reset) {
                                done.completeExceptionally(new IllegalStateException(
                                        "stream reset: " + Http2Error.valueOf(reset.errorCode())));
                            }
                            ReferenceCountUtil.release(event);
                        }

                        @Override
                        public void channelInactive(ChannelHandlerContext ctx) {
                            done.completeExceptionally(new IllegalStateException("stream closed early"));
                        }
                    })
                    .open()
                    .sync()
                    .getNow();
            for (Http2StreamFrame f : frames) {
                stream.write(f);
            }
            stream.flush();
            return done.get(30, TimeUnit.SECONDS);
        } finally {
            conn.close().sync();
        }
    }

    private static Http2Headers request(String method, String path) {
        return new DefaultHttp2Headers()
                .method(method)
                .scheme("http")
                .path(path)
                .authority("h2.test");
    }

    private static DefaultHttp2DataFrame data(String text, boolean end) {
        return new DefaultHttp2DataFrame(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8), end);
    }

    @Test
    void aBodyInSeveralFramesWithTrailersReachesTheUpstreamWhole() throws Exception {
        Http2Headers h = request("POST", "/frames?q=1");
        h.add("cookie", "a=1").add("x-custom", "one").add("cookie", "b=2").add("te", "trailers");
        Answer a = exchange(
                new DefaultHttp2HeadersFrame(h, false),
                data("hello ", false),
                data("world", false),
                new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().add("x-trailer", "t"), true));
        assertThat(a.headers().get(0).status().toString()).isEqualTo("200");
        assertThat(a.headers().get(0).get("hello").toString()).isEqualTo("world");
        assertThat(a.headers().get(0).get("server").toString()).isEqualTo("envoy");
        JsonNode doc = JSON.readTree(a.body());
        assertThat(doc.get("method").asText()).isEqualTo("POST");
        assertThat(doc.get("path").asText()).isEqualTo("/frames?q=1");
        assertThat(doc.get("body").asText()).isEqualTo("hello world");
        JsonNode seen = doc.get("headers");
        assertThat(seen.get("host").asText()).isEqualTo("h2.test");
        // RFC 9113 8.2.3: the cookie fields go on as one, as HTTP/1.1 carries them.
        assertThat(seen.get("cookie").asText()).isEqualTo("a=1; b=2");
        assertThat(seen.get("x-custom").asText()).isEqualTo("one");
        assertThat(seen.has("te")).isFalse();
        assertThat(seen.get("x-forwarded-proto").asText()).isEqualTo("http");
        assertThat(seen.has("x-request-id")).isTrue();
        assertThat(doc.get("trailers").get("x-trailer").asText()).isEqualTo("t");
        assertThat(Integer.parseInt(a.headers().get(0).get("content-length").toString()))
                .isEqualTo(a.body().length);
    }

    @Test
    void aHeadRequestGetsHeadersAndNoBody() throws Exception {
        Answer a = exchange(new DefaultHttp2HeadersFrame(request("HEAD", "/head"), true));
        assertThat(a.headers().get(0).status().toString()).isEqualTo("200");
        assertThat(a.headers().get(0).get("hello").toString()).isEqualTo("world");
        assertThat(a.body()).isEmpty();
        assertThat(a.dataFrames()).as("one HEADERS frame ends the stream").isZero();
    }

    @Test
    void aBodyLargerThanTheStreamWindowGoesThroughFlowControl() throws Exception {
        // 1 MiB in 16 KiB frames: 16 times HTTP/2's initial stream window, so the proxy must keep granting it.
        String chunk = "x".repeat(16 * 1024);
        List<Http2StreamFrame> frames = new ArrayList<>();
        frames.add(new DefaultHttp2HeadersFrame(request("POST", "/big"), false));
        for (int i = 0; i < 64; i++) {
            frames.add(data(chunk, i == 63));
        }
        Answer a = exchange(frames.toArray(new Http2StreamFrame[0]));
        assertThat(a.headers().get(0).status().toString()).isEqualTo("200");
        assertThat(JSON.readTree(a.body()).get("body").asText()).hasSize(64 * chunk.length());
    }

    @Test
    void anUpstreamsResponseTrailersEndTheStreamAsATrailersFrame() throws Exception {
        try (ServerSocket upstream = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread answer = new Thread(() -> {
                try (Socket s = upstream.accept()) {
                    s.setSoTimeout(20_000);
                    InputStream in = s.getInputStream();
                    for (int state = 0; state < 4; ) { // read up to the empty line ending the request's head
                        int c = in.read();
                        state = c < 0 ? 4 : (c == (state % 2 == 0 ? '\r' : '\n')) ? state + 1 : 0;
                    }
                    s.getOutputStream()
                            .write(("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ncontent-type: text/plain\r\n\r\n"
                                            + "5\r\nhello\r\n0\r\nx-resp-trailer: r\r\n\r\n")
                                    .getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    in.read(); // until the proxy closes or the test ends
                } catch (IOException e) {
                    // the test's assertions say what went wrong
                }
            });
            answer.setDaemon(true);
            answer.start();
            try (TestProxy p = TestProxy.start(TestProxy.config()
                    .addCluster(ClusterConfig.fromUrl("trailing", "http://127.0.0.1:" + upstream.getLocalPort()))
                    .addRoute(RouteConfig.catchAll("trailing")))) {
                Answer a = exchange(p, new DefaultHttp2HeadersFrame(request("GET", "/t"), true));
                assertThat(a.headers()).hasSize(2);
                assertThat(a.headers().get(0).status().toString()).isEqualTo("200");
                assertThat(a.headers().get(0).contains("content-length")).isFalse();
                assertThat(a.text()).isEqualTo("hello");
                assertThat(a.headers().get(1).get("x-resp-trailer").toString()).isEqualTo("r");
            }
        }
    }

    @Test
    void aFieldValueWithCrOrLfResetsTheStreamInsteadOfReachingTheUpstream() throws Exception {
        // Sent unvalidated: HTTP/1.1 upstream would read "x-injected" as a field of its own.
        Http2Headers h = new DefaultHttp2Headers(false)
                .method("GET")
                .scheme("http")
                .path("/inject")
                .authority("h2.test")
                .add("x-note", "a\r\nx-injected: 1");
        assertThatThrownBy(() -> exchange(new DefaultHttp2HeadersFrame(h, true)))
                .hasMessageContaining("stream reset: PROTOCOL_ERROR");
    }

    @Test
    void aRequestWithoutAMethodIsResetAsAProtocolError() throws Exception {
        Http2Headers h =
                new DefaultHttp2Headers(false).scheme("http").path("/no-method").authority("h2.test");
        assertThatThrownBy(() -> exchange(new DefaultHttp2HeadersFrame(h, true)))
                .hasMessageContaining("stream reset: PROTOCOL_ERROR");
    }
}
