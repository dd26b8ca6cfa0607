package dev.wasmesh.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 upstream on loopback that names itself in every answer (header {@code x-upstream}, and a body
 * {@code NAME METHOD URI host=HOST}), counts the connections it accepted, and holds requests to {@code /hold}
 * until {@link #release} so a test can act while one is in flight. The example filters' call-out and buffering
 * paths have answers of their own: {@code /callout-target} says {@code backend-says-hi}, {@code /buffered-response}
 * says {@code upstream body} with the headers that make the filters buffer it, and {@code /slow} says {@code late}
 * after three seconds.
 */
final class TestUpstream implements AutoCloseable {
    private final String name;
    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel listener;
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final CountDownLatch holding = new CountDownLatch(1);
    private final CompletableFuture<Void> released = new CompletableFuture<>();

    TestUpstream(String name) throws InterruptedException {
        this.name = name;
        listener = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted.incrementAndGet();
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new Handler());
                    }
                })
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
    }

    int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    String url() {
        return "http://127.0.0.1:" + port();
    }

    /** Connections accepted so far. */
    int accepted() {
        return accepted.get();
    }

    /** Requests received so far. */
    int requests() {
        return requests.get();
    }

    /** Waits (bounded) until a {@code /hold} request has arrived. */
    boolean awaitHolding(Duration max) throws InterruptedException {
        return holding.await(max.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Lets held requests (and later ones to {@code /hold}) be answered. */
    void release() {
        released.complete(null);
    }

    @Override
    public void close() {
        release();
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            requests.incrementAndGet();
            String body = name + " " + req.method() + " " + req.uri() + " host="
                    + req.headers().get("host");
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            String path = req.uri();
            if (path.startsWith("/hold")) {
                holding.countDown();
                released.thenRun(() -> ctx.executor().execute(() -> answer(ctx, body, keepAlive, false)));
            } else if (path.equals("/callout-target")) {
                answer(ctx, "backend-says-hi", keepAlive, false);
            } else if (path.equals("/buffered-response")) {
                answer(ctx, "upstream body", keepAlive, true);
            } else if (path.equals("/slow")) {
                ctx.executor().schedule(() -> answer(ctx, "late", keepAlive, false), 3, TimeUnit.SECONDS);
            } else {
                answer(ctx, body, keepAlive, false);
            }
        }

        private void answer(ChannelHandlerContext ctx, String body, boolean keepAlive, boolean buffered) {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            FullHttpResponse r =
                    new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(b));
            r.headers().set("content-type", "text/plain").set("x-upstream", name);
            if (buffered) {
                r.headers().set("x-buffer-response", "1").set("x-powered-by", "test");
            }
            HttpUtil.setContentLength(r, b.length);
            HttpUtil.setKeepAlive(r, keepAlive);
            if (keepAlive) {
                ctx.writeAndFlush(r);
            } else {
                ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
