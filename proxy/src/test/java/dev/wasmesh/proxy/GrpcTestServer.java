package dev.wasmesh.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tiny gRPC server, h2c or HTTP/2 over TLS. Once the client's half ends it answers with initial metadata {x-md: 1}, then for a call to
 * a method named Stream the messages "one:" and "two:" + the last request message, for any other method
 * "pong:" + it, then trailers {grpc-status: 0, x-t: 1}; or, after {@link #failWith}, a trailers-only failure.
 */
final class GrpcTestServer implements AutoCloseable {
    final List<String> paths = new CopyOnWriteArrayList<>();
    private final Channel channel;
    private final SslContext tls;
    private volatile int failStatus;
    private volatile String failMessage = "";

    GrpcTestServer(EventLoopGroup group) throws InterruptedException {
        this(group, null);
    }

    /** @param tls the server's TLS (with ALPN h2), or null for h2c */
    GrpcTestServer(EventLoopGroup group, SslContext tls) throws InterruptedException {
        this.tls = tls;
        channel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline()
                                .addLast(
                                        Http2FrameCodecBuilder.forServer().build(),
                                        new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
                                            @Override
                                            protected void initChannel(Channel stream) {
                                                stream.pipeline().addLast(new Handler());
                                            }
                                        }));
                    }
                })
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
    }

    /** Every later call fails at once: a trailers-only answer with this grpc-status and grpc-message. */
    void failWith(int status, String message) {
        failMessage = message;
        failStatus = status;
    }

    String url() {
        return (tls == null ? "http" : "https") + "://127.0.0.1:"
                + ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<Http2StreamFrame> {
        private final ByteBuf body = Unpooled.buffer();
        private String path = "";

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
            if (frame instanceof Http2HeadersFrame) {
                path = ((Http2HeadersFrame) frame).headers().path().toString();
                paths.add(path);
            } else if (frame instanceof Http2DataFrame) {
                Http2DataFrame data = (Http2DataFrame) frame;
                body.writeBytes(data.content());
                if (data.isEndStream()) {
                    answer(ctx, lastMessage());
                }
            }
        }

        private String lastMessage() {
            String msg = "";
            while (body.readableBytes() >= 5) {
                body.skipBytes(1);
                msg = body.readCharSequence(body.readInt(), StandardCharsets.UTF_8)
                        .toString();
            }
            return msg;
        }

        private void answer(ChannelHandlerContext ctx, String msg) {
            if (failStatus != 0) {
                ctx.writeAndFlush(new DefaultHttp2HeadersFrame(
                        new DefaultHttp2Headers()
                                .status("200")
                                .add("content-type", "application/grpc")
                                .add("grpc-status", Integer.toString(failStatus))
                                .add("grpc-message", failMessage),
                        true));
                return;
            }
            ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers()
                    .status("200")
                    .add("content-type", "application/grpc")
                    .add("x-md", "1")));
            List<String> replies =
                    path.endsWith("/Stream") ? List.of("one:" + msg, "two:" + msg) : List.of("pong:" + msg);
            for (String r : replies) {
                byte[] reply = r.getBytes(StandardCharsets.UTF_8);
                ctx.write(new DefaultHttp2DataFrame(
                        Unpooled.buffer().writeByte(0).writeInt(reply.length).writeBytes(reply)));
            }
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(
                    new DefaultHttp2Headers().add("grpc-status", "0").add("x-t", "1"), true));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            body.release();
        }
    }
}
