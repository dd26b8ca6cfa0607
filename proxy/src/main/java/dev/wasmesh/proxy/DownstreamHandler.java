package dev.wasmesh.proxy;

import dev.wasmesh.host.HeaderMap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;

/**
 * Turns a downstream connection's HTTP messages into {@link HttpStream}s: one at a time on an HTTP/1.1
 * connection (pipelined requests wait their turn), one per stream channel on HTTP/2.
 */
final class DownstreamHandler extends ChannelInboundHandlerAdapter {
    private static final ByteBuf CONTINUE = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(
            "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII)).asReadOnly());

    private final ProxyServer server;
    private final Worker worker;
    private final boolean http1;
    private final ArrayDeque<Object> backlog = new ArrayDeque<>();
    private HttpStream stream;
    private boolean headersEnded;
    private boolean discarding;
    private ChannelHandlerContext ctx;
    private ChannelHandler upgrade;

    /** @param upgrade the HTTP/1.1 connection's h2c upgrade handler, removed once the first request is in; or null */
    DownstreamHandler(ProxyServer server, Worker worker, boolean http1, ChannelHandler upgrade) {
        this.server = server;
        this.worker = worker;
        this.http1 = http1;
        this.upgrade = upgrade;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (discarding) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!backlog.isEmpty() || (msg instanceof HttpRequest && stream != null && !stream.finished())) {
            backlog.add(msg); // a pipelined request waits for the current response
            return;
        }
        process(msg);
    }

    private void process(Object msg) {
        try {
            if (stream != null && stream.finished()) {
                if (!(msg instanceof HttpRequest)) {
                    return; // the response went out before the request was read: drop the rest of it
                }
                stream = null;
            }
            handle(msg);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void handle(Object msg) {
        if (msg instanceof HttpRequest) {
            HttpRequest req = (HttpRequest) msg;
            if (upgrade != null) {
                // Clients offer h2c on a connection's first request; later ones stay HTTP/1.1 (RFC 9110 lets a
                // server ignore Upgrade), and spare every message a pass through the upgrade handler.
                ctx.pipeline().remove(upgrade);
                upgrade = null;
            }
            if (req.decoderResult().isFailure()) {
                rejectMalformed(req.decoderResult().cause());
                return;
            }
            if (http1 && req.protocolVersion() == HttpVersion.HTTP_1_1
                    && req.headers().containsValue("expect", "100-continue", true)) {
                // As Envoy by default: the proxy itself tells the client to go on, and the upstream never sees it.
                ctx.writeAndFlush(CONTINUE.duplicate());
                req.headers().remove("expect");
            }
            boolean end;
            if (msg instanceof FullHttpRequest) {
                FullHttpRequest full = (FullHttpRequest) msg;
                end = !full.content().isReadable() && full.trailingHeaders().isEmpty();
            } else {
                end = http1 && !HttpUtil.isTransferEncodingChunked(req) && HttpUtil.getContentLength(req, 0L) == 0;
            }
            headersEnded = end;
            String protocol = http1 ? (req.protocolVersion().equals(HttpVersion.HTTP_1_0) ? "HTTP/1.0" : "HTTP/1.1")
                    : "HTTP/2";
            stream = new HttpStream(server, worker, ctx.channel(), http1, protocol, req, this::streamDone);
            stream.start(req, end);
        }
        if (msg instanceof HttpContent && stream != null && !headersEnded) {
            HttpContent c = (HttpContent) msg;
            byte[] bytes = ByteBufUtil.getBytes(c.content());
            if (msg instanceof LastHttpContent) {
                LastHttpContent last = (LastHttpContent) msg;
                if (last.decoderResult().isFailure()) {
                    stream.downstreamClosed();
                    ctx.close();
                    return;
                }
                if (last.trailingHeaders().isEmpty()) {
                    stream.requestData(bytes, true);
                } else {
                    stream.requestData(bytes, false);
                    HeaderMap trailers = Headers.ofTrailers(last.trailingHeaders());
                    stream.requestTrailers(trailers);
                }
            } else if (bytes.length > 0) {
                stream.requestData(bytes, false);
            }
        }
    }

    /**
     * Too-large headers get Envoy's 431; other malformed requests a 400 with the details Envoy's codec logs. The
     * connection closes either way.
     */
    private void rejectMalformed(Throwable cause) {
        boolean tooLarge = cause instanceof TooLongFrameException;
        HttpResponseStatus status = tooLarge ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                : HttpResponseStatus.BAD_REQUEST;
        String details = tooLarge ? "http1.headers_too_large" : cause instanceof Http1Decoder.Malformed
                ? ((Http1Decoder.Malformed) cause).details : "http1.codec_error";
        byte[] body = (tooLarge ? "Request Header Fields Too Large" : "Bad Request").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        r.headers().set("content-type", "text/plain").set("connection", "close");
        HttpUtil.setContentLength(r, body.length);
        server.countResponse(status.code());
        Instant now = Instant.ofEpochSecond(0, server.env().clock().realtimeNanos()); // the clock filters read too
        server.accessLog(new AccessLog.Entry(now, "-", "-", "HTTP/1.1", status.code(), "DPE", 0, body.length, 0,
                null, null, null, null, details));
        discarding = true;
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }

    private void streamDone() {
        // With nothing waiting, later requests go straight to process(): no drain needed.
        if (!backlog.isEmpty()) {
            worker.loop().execute(this::drainBacklog);
        }
    }

    private void drainBacklog() {
        while (!backlog.isEmpty() && !discarding) {
            if (backlog.peek() instanceof HttpRequest && stream != null && !stream.finished()) {
                return;
            }
            process(backlog.poll());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (stream != null) {
            stream.downstreamClosed();
        }
        backlog.forEach(ReferenceCountUtil::release);
        backlog.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
