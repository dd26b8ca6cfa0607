package dev.wasmesh.proxy.http2;

import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.proxy.log.ProxyLog;
import dev.wasmesh.proxy.worker.Worker;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2Stream;
import java.time.Duration;

/**
 * The end of an HTTP/2 connection's pipeline: its errors and its idle timeout. Netty's frame codec hands every
 * connection error (a client's bad frames) on to the pipeline before it sends GOAWAY and closes; here it ends as one
 * debug line, as in Envoy, rather than as Netty's warning with a stack trace. A connection without streams for the
 * idle timeout is closed (GOAWAY, then close), as Envoy's {@code idle_timeout} does.
 */
final class Http2Downstream extends ChannelInboundHandlerAdapter implements Worker.Timed {
    private final Worker worker;
    private final Http2FrameCodec frames;
    private final long idleNanos;
    private final Runnable idleTimedOut;
    private final ProxyLog log;
    private ChannelHandlerContext ctx;
    private long idleSince = System.nanoTime();

    Http2Downstream(Worker worker, Http2FrameCodec frames, Duration idleTimeout, Runnable idleTimedOut, ProxyLog log) {
        this.worker = worker;
        this.frames = frames;
        this.idleNanos = idleTimeout.toNanos();
        this.idleTimedOut = idleTimedOut;
        this.log = log;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (idleNanos > 0) {
            frames.connection().addListener(new Http2ConnectionAdapter() {
                @Override
                public void onStreamClosed(Http2Stream stream) {
                    idleSince = System.nanoTime();
                }
            });
            worker.watch(this);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        worker.unwatch(this);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        worker.unwatch(this);
        ctx.fireChannelInactive();
    }

    @Override
    public void checkTimeouts(long now) {
        if (frames.connection().numActiveStreams() == 0 && now - idleSince > idleNanos) {
            idleTimedOut.run();
            worker.unwatch(this);
            ctx.close(); // the codec sends GOAWAY (NO_ERROR) first
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Http2Exception h2 = Http2CodecUtil.getEmbeddedHttp2Exception(cause);
        if (h2 != null) {
            // The codec sends GOAWAY with the error's code and closes after this returns.
            log.proxy(
                    LogLevel.DEBUG,
                    "http2 connection error from " + ctx.channel().remoteAddress() + ": " + h2.error() + " "
                            + h2.getMessage());
        } else {
            log.proxy(LogLevel.DEBUG, "http2 connection from " + ctx.channel().remoteAddress() + " failed: " + cause);
            ctx.close();
        }
    }
}
