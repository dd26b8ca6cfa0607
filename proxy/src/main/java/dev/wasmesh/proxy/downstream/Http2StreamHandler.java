package dev.wasmesh.proxy.downstream;

import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.proxy.config.Limits;
import dev.wasmesh.proxy.http2.FrameHeaders;
import dev.wasmesh.proxy.worker.Worker;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * One HTTP/2 stream's channel: its HEADERS and DATA frames go straight into one {@link ActiveStream} (the header block
 * becomes the request's map, with no HTTP/1 message in between), and the response goes back as frames. Reading the
 * stream waits while the stream takes no more of the body, which holds back the stream's flow-control window.
 */
final class Http2StreamHandler extends ChannelInboundHandlerAdapter implements Worker.Timed, ActiveStream.Owner {
    private final Listener listener;
    private final Worker worker;
    private final long requestTimeout;
    private final long streamIdleTimeout;
    private ChannelHandlerContext ctx;
    private ActiveStream stream;
    private long lastRead = System.nanoTime();

    Http2StreamHandler(Listener listener, Worker worker) {
        this.listener = listener;
        this.worker = worker;
        Limits limits = listener.limits();
        this.requestTimeout = limits.requestTimeout().toNanos();
        this.streamIdleTimeout = limits.streamIdleTimeout().toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        worker.watch(this);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        worker.unwatch(this);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastRead = System.nanoTime();
        try {
            if (msg instanceof Http2HeadersFrame) {
                headers((Http2HeadersFrame) msg);
            } else if (msg instanceof Http2DataFrame && stream != null && !stream.finished()) {
                Http2DataFrame data = (Http2DataFrame) msg;
                if (data.isEndStream() || data.content().isReadable()) { // an empty frame that does not end is nothing
                    stream.requestData(ByteBufUtil.getBytes(data.content()), data.isEndStream());
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void headers(Http2HeadersFrame frame) {
        if (stream == null) {
            HeaderMap request;
            try {
                request = FrameHeaders.request(
                        frame.headers(), ActiveStream.scheme(ctx.channel().parent()));
            } catch (IllegalArgumentException e) {
                resetMalformed();
                return;
            }
            stream = new ActiveStream(
                    listener,
                    worker,
                    ctx.channel(),
                    false,
                    "HTTP/2",
                    false,
                    "HEAD".equals(request.first(":method")),
                    this);
            stream.start(request, frame.isEndStream());
        } else if (!stream.finished() && frame.isEndStream()) {
            HeaderMap trailers;
            try {
                trailers = FrameHeaders.requestTrailers(frame.headers());
            } catch (IllegalArgumentException e) {
                resetMalformed();
                return;
            }
            if (trailers == null) {
                stream.requestData(new byte[0], true);
            } else {
                stream.requestData(new byte[0], false);
                stream.requestTrailers(trailers);
            }
        }
    }

    /** The stream takes (or cannot take) more of the request body: reading, and the window, wait with it. */
    @Override
    public void readRequest(boolean read) {
        if (ctx.channel().config().isAutoRead() != read) {
            ctx.channel().config().setAutoRead(read);
        }
    }

    @Override
    public void streamDone() {
        readRequest(true);
    }

    /** A slow client pauses the stream's upstream read, until what was queued for it drains to half. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (stream != null && !stream.finished()) {
            stream.downstreamWritable(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void checkTimeouts(long now) {
        if (stream == null || stream.finished()) {
            return;
        }
        if (requestTimeout > 0 && !stream.requestComplete() && now - stream.startNanos() > requestTimeout) {
            stream.timedOut(408, "request_overall_timeout", "request timeout", "");
        } else if (streamIdleTimeout > 0 && now - Math.max(lastRead, stream.lastActivity()) > streamIdleTimeout) {
            stream.timedOut(408, "stream_idle_timeout", "stream timeout", "SI");
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        worker.unwatch(this);
        if (stream != null) {
            stream.downstreamClosed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    /** A malformed request is a stream error of type PROTOCOL_ERROR (RFC 9113, section 8.1.1). */
    private void resetMalformed() {
        ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.PROTOCOL_ERROR));
        ctx.close();
    }
}
