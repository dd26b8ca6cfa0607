package dev.wasmesh.proxy.upstream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.proxy.config.Endpoint;
import dev.wasmesh.proxy.config.Limits;
import dev.wasmesh.proxy.transport.Transport;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The built-in echo upstream: answers every request with 200 and a JSON document of what it received
 * ({@code method}, {@code path}, {@code headers} with repeated values joined by ", ", {@code body}, and
 * {@code trailers} when there are any).
 */
public final class EchoServer implements AutoCloseable {
    // Jackson's streaming writer, not its data-binding mapper: that one is slow to set up, and the echo starts on the
    // way to the proxy's first response.
    private static final JsonFactory JSON = new JsonFactory();

    private final Channel channel;

    private EchoServer(Channel channel) {
        this.channel = channel;
    }

    public static EchoServer start(Endpoint listen, EventLoopGroup group) throws InterruptedException {
        Channel ch = Transport.server(group, group)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                        Received received = new Received();
                        c.pipeline()
                                .addLast(
                                        new HttpServerCodec(),
                                        new HttpServerExpectContinueHandler(),
                                        received,
                                        new HttpObjectAggregator(Limits.ECHO_MAX_BODY_BYTES),
                                        new Handler(received));
                    }
                })
                .bind(listen.host(), listen.port())
                .sync()
                .channel();
        return new EchoServer(ch);
    }

    public Endpoint address() {
        InetSocketAddress a = (InetSocketAddress) channel.localAddress();
        return new Endpoint(a.getAddress().getHostAddress(), a.getPort());
    }

    public void closeFuture() throws InterruptedException {
        channel.closeFuture().sync();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    /**
     * The document the echo answers with. Header bytes arrive one char per byte; the document shows them as the
     * UTF-8 text they hold, as the body.
     *
     * @param received the request's headers as they arrived (the aggregator rewrites its framing headers)
     */
    static String describe(FullHttpRequest req, HttpHeaders received) {
        StringWriter out = new StringWriter();
        try (JsonGenerator doc = JSON.createGenerator(out)) {
            doc.writeStartObject();
            doc.writeStringField("method", req.method().name());
            doc.writeStringField("path", HeaderMap.text(req.uri()));
            writeFields(doc, "headers", received);
            doc.writeStringField("body", req.content().toString(StandardCharsets.UTF_8));
            if (!req.trailingHeaders().isEmpty()) {
                writeFields(doc, "trailers", req.trailingHeaders());
            }
            doc.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write JSON", e);
        }
        return out.toString();
    }

    private static void writeFields(JsonGenerator doc, String name, HttpHeaders headers) throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : headers) {
            fields.merge(
                    HeaderMap.text(HeaderMap.lowerAscii(e.getKey())),
                    HeaderMap.text(e.getValue()),
                    (a, b) -> a + ", " + b);
        }
        doc.writeObjectFieldStart(name);
        for (Map.Entry<String, String> f : fields.entrySet()) {
            doc.writeStringField(f.getKey(), f.getValue());
        }
        doc.writeEndObject();
    }

    /** Keeps a copy of each request's headers before the aggregator sets content-length and drops chunking. */
    private static final class Received extends ChannelInboundHandlerAdapter {
        private HttpHeaders headers;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest) {
                headers = ((HttpRequest) msg).headers().copy();
            }
            ctx.fireChannelRead(msg);
        }
    }

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Received received;

        Handler(Received received) {
            this.received = received;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            if (!req.decoderResult().isSuccess()) {
                ctx.close();
                return;
            }
            byte[] body = describe(req, received.headers).getBytes(StandardCharsets.UTF_8);
            FullHttpResponse r = new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
            r.headers().set("content-type", "application/json");
            HttpUtil.setContentLength(r, body.length);
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            HttpUtil.setKeepAlive(r, keepAlive);
            if (keepAlive) {
                ctx.writeAndFlush(r);
            } else {
                ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
