package dev.wasmesh.proxy.downstream;

import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.proxy.config.Limits;
import dev.wasmesh.proxy.http1.Headers;
import dev.wasmesh.proxy.http1.Http1Decoder;
import dev.wasmesh.proxy.http1.Http1RequestDecoder;
import dev.wasmesh.proxy.log.AccessLog;
import dev.wasmesh.proxy.worker.Worker;
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
 * Turns a downstream connection's HTTP messages into {@link ActiveStream}s: one at a time on an HTTP/1.1
 * connection, pipelined requests waiting their turn (HTTP/2 streams have {@link Http2StreamHandler}).
 */
final class DownstreamHandler extends ChannelInboundHandlerAdapter implements Worker.Timed, ActiveStream.Owner {
    private static final ByteBuf CONTINUE = Unpooled.unreleasableBuffer(
            Unpooled.wrappedBuffer("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII))
                    .asReadOnly());

    private final Listener listener;
    private final Worker worker;
    private final Http1RequestDecoder decoder;
    private final long headersTimeout;
    private final long requestTimeout;
    private final long streamIdleTimeout;
    private final long idleTimeout;
    private final ArrayDeque<Object> backlog = new ArrayDeque<>();
    private ActiveStream stream;
    private boolean headersEnded;
    private boolean discarding;
    private ChannelHandlerContext ctx;
    private ChannelHandler upgrade;
    /** The stream cannot take more of the request now (its upstream or a paused filter): reading waits. */
    private boolean streamFull;

    private long lastRead = System.nanoTime();
    private long idleSince = lastRead;

    /**
     * @param decoder the connection's decoder
     * @param upgrade the HTTP/1.1 connection's h2c upgrade handler, removed once the first request is in; or null
     */
    DownstreamHandler(Listener listener, Worker worker, Http1RequestDecoder decoder, ChannelHandler upgrade) {
        this.listener = listener;
        this.worker = worker;
        this.decoder = decoder;
        this.upgrade = upgrade;
        Limits limits = listener.limits();
        this.headersTimeout = limits.requestHeadersTimeout().toNanos();
        this.requestTimeout = limits.requestTimeout().toNanos();
        this.streamIdleTimeout = limits.streamIdleTimeout().toNanos();
        this.idleTimeout = limits.idleTimeout().toNanos();
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
        if (discarding) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!backlog.isEmpty() || (msg instanceof HttpRequest && stream != null && !stream.finished())) {
            // A pipelined request waits for the current response, and reading waits with it (as Envoy's codec
            // reads one request at a time): what a client sends ahead stays in its socket, not in the proxy.
            backlog.add(msg);
            updateReading();
            return;
        }
        process(msg);
    }

    /** Reads while nothing waits: no pipelined request, and a stream that takes the request's body. */
    private void updateReading() {
        boolean read = backlog.isEmpty() && !streamFull;
        if (ctx.channel().config().isAutoRead() != read) {
            ctx.channel().config().setAutoRead(read);
        }
    }

    /** The stream takes (or cannot take) more of the request body: a slow upstream pauses the client. */
    @Override
    public void readRequest(boolean read) {
        streamFull = !read;
        updateReading();
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
        if (discarding) {
            return;
        }
        if (stream != null && !stream.finished()) {
            if (requestTimeout > 0 && !stream.requestComplete() && now - stream.startNanos() > requestTimeout) {
                stream.timedOut(408, "request_overall_timeout", "request timeout", "");
            } else if (streamIdleTimeout > 0 && now - Math.max(lastRead, stream.lastActivity()) > streamIdleTimeout) {
                stream.timedOut(408, "stream_idle_timeout", "stream timeout", "SI");
            }
            return;
        }
        if (!backlog.isEmpty()) {
            return;
        }
        long head = decoder.headSince();
        if (head != 0 && headersTimeout > 0 && now - head > headersTimeout) {
            listener.stats().inc(listener.httpStat("downstream_rq_header_timeout"));
            if (decoder.headBytes()) {
                reject(HttpResponseStatus.REQUEST_TIMEOUT, "request_header_timeout", "", "");
            } else {
                ctx.close(); // a connection that never sent a byte
            }
        } else if (head == 0 && idleTimeout > 0 && now - Math.max(lastRead, idleSince) > idleTimeout) {
            listener.stats().inc(listener.httpStat("downstream_cx_idle_timeout"));
            discarding = true;
            ctx.close();
        }
    }

    private void process(Object msg) {
        try {
            if (msg instanceof LastHttpContent
                    && !(msg instanceof HttpRequest)
                    && ((LastHttpContent) msg).decoderResult().isFailure()) {
                bodyFailed(((LastHttpContent) msg).decoderResult().cause());
                return;
            }
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
            if (req.protocolVersion() == HttpVersion.HTTP_1_1
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
                end = !HttpUtil.isTransferEncodingChunked(req) && HttpUtil.getContentLength(req, 0L) == 0;
            }
            headersEnded = end;
            String protocol = req.protocolVersion().equals(HttpVersion.HTTP_1_0) ? "HTTP/1.0" : "HTTP/1.1";
            stream = new ActiveStream(
                    listener,
                    worker,
                    ctx.channel(),
                    true,
                    protocol,
                    HttpUtil.isKeepAlive(req),
                    "HEAD".equals(req.method().name()),
                    this);
            stream.start(Headers.ofRequest(req, ActiveStream.scheme(ctx.channel())), end);
        }
        if (msg instanceof HttpContent && stream != null && !headersEnded) {
            HttpContent c = (HttpContent) msg;
            byte[] bytes = ByteBufUtil.getBytes(c.content());
            if (msg instanceof LastHttpContent) {
                LastHttpContent last = (LastHttpContent) msg;
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
        reject(
                tooLarge ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE : HttpResponseStatus.BAD_REQUEST,
                details(cause),
                tooLarge ? "Request Header Fields Too Large" : "Bad Request",
                "DPE");
    }

    /** Answers a request that never became a stream, logs it, and closes the connection. */
    private void reject(HttpResponseStatus status, String details, String text, String flags) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        if (body.length > 0) {
            r.headers().set("content-type", "text/plain");
        }
        r.headers().set("connection", "close");
        r.headers().set("server", "envoy");
        HttpUtil.setContentLength(r, body.length);
        listener.countResponse(status.code());
        Instant now = Instant.ofEpochSecond(0, listener.clock().realtimeNanos()); // the clock filters read too
        listener.accessLog(new AccessLog.Entry(
                now, "-", "-", "HTTP/1.1", status.code(), flags, 0, body.length, 0, null, null, null, null, details));
        discarding = true;
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }

    private static String details(Throwable cause) {
        return cause instanceof TooLongFrameException
                ? "http1.headers_too_large"
                : cause instanceof Http1Decoder.Malformed
                        ? ((Http1Decoder.Malformed) cause).details()
                        : "http1.codec_error";
    }

    /**
     * A request body the decoder could not read (a malformed or overflowing chunk size): as Envoy's codec, a 400
     * with the details if no response was written yet, and the connection closes either way.
     */
    private void bodyFailed(Throwable cause) {
        discarding = true;
        if (stream != null && !stream.finished()) {
            stream.codecError(details(cause));
        } else {
            ctx.close();
        }
    }

    @Override
    public void streamDone() {
        idleSince = System.nanoTime();
        if (streamFull) {
            streamFull = false;
            updateReading();
        }
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
        if (!discarding) {
            updateReading();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        worker.unwatch(this);
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
