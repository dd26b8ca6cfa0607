package dev.wasmesh.proxy.upstream;

import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.proxy.config.ClusterConfig;
import dev.wasmesh.proxy.config.Endpoint;
import dev.wasmesh.proxy.http1.Framer;
import dev.wasmesh.proxy.http1.Http1Sink;
import dev.wasmesh.proxy.http1.UpstreamResponseDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * One request/response on an upstream connection. What the caller writes before the connection is up is queued;
 * the connection returns to the pool when both the request and a keep-alive response are complete.
 */
final class UpstreamExchange {
    /** What happens to the exchange; every call is on the worker's loop. */
    interface Listener {
        void connectFailed(Throwable cause);

        void response(HttpResponse response);

        /** Body bytes; {@code last} with the trailers (possibly empty). */
        void content(HttpContent content, boolean last);

        /** The connection closed before the response completed; or, {@code malformed}, the response was unreadable. */
        void disconnected(boolean malformed);

        /** Whether the connection takes more of the request now: false past the high watermark, true below the low. */
        void writable(boolean writable);
    }

    private final UpstreamPool pool;
    private final ClusterConfig cluster;
    private final Listener listener;
    private final List<Object> queued = new ArrayList<>();
    private Channel channel;
    private boolean requestDone;
    private boolean responseDone;
    private boolean keepAlive = true;
    private boolean closed;
    private boolean unflushed;
    private UpstreamHandler handler;
    private UpstreamResponseDecoder decoder;
    private boolean bodylessResponse;
    /** Bytes queued before the connection is up; past the high watermark the request's reader waits. */
    private long queuedBytes;

    private boolean writable = true;
    private boolean readPaused;

    UpstreamExchange(UpstreamPool pool, ClusterConfig cluster, Listener listener) {
        this.pool = pool;
        this.cluster = cluster;
        this.listener = listener;
    }

    ClusterConfig cluster() {
        return cluster;
    }

    /** The upstream's address once connected, for logs and properties. */
    String remote() {
        return handler == null ? "" : handler.remote();
    }

    /** The configured endpoint of the connection, once there is one. */
    Endpoint endpoint() {
        return channel == null ? null : channel.attr(UpstreamPool.ENDPOINT).get();
    }

    /** The connection's remote socket address, once connected. */
    InetSocketAddress remoteAddress() {
        return channel == null || !(channel.remoteAddress() instanceof InetSocketAddress a) ? null : a;
    }

    void attach(Channel ch) {
        if (closed) {
            ch.close();
            return;
        }
        channel = ch;
        // Kept here: a connection closed (e.g. on timeout) has an empty pipeline, but its address is still logged.
        handler = ch.pipeline().get(UpstreamHandler.class);
        handler.exchange(this);
        decoder = ch.pipeline().get(UpstreamResponseDecoder.class);
        decoder.expectBodyless(bodylessResponse);
        if (readPaused) {
            ch.config().setAutoRead(false);
        }
        for (Object o : queued) {
            ch.write(o);
        }
        queued.clear();
        queuedBytes = 0;
        ch.flush();
        writability(ch.isWritable());
    }

    /** The connection's writability changed. */
    void onWritabilityChanged() {
        if (!closed) {
            writability(channel.isWritable());
        }
    }

    private void writability(boolean w) {
        if (w != writable) {
            writable = w;
            listener.writable(w);
        }
    }

    /** Stops (or resumes) reading the response: the client does not take it as fast as the upstream sends it. */
    void pauseRead(boolean pause) {
        readPaused = pause;
        if (channel != null && !closed) {
            channel.config().setAutoRead(!pause);
        }
    }

    void connectFailed(Throwable cause) {
        queued.forEach(ReferenceCountUtil::release);
        queued.clear();
        if (!closed) {
            closed = true;
            listener.connectFailed(cause);
        }
    }

    /**
     * Frames this exchange's request into HTTP/1.1 bytes. {@code headers}, the request's as they will go out, tell
     * the decoder whether the answer has a body (not for HEAD).
     */
    Framer requestFramer(HeaderMap headers) {
        expectBodylessResponse("HEAD".equals(headers.first(":method")));
        return new Framer(
                false, h -> false, new Http1Sink(PooledByteBufAllocator.DEFAULT, false, () -> false, this::write));
    }

    /** A response to HEAD has headers only, whatever its content-length says. */
    private void expectBodylessResponse(boolean bodyless) {
        bodylessResponse = bodyless;
        if (decoder != null) {
            decoder.expectBodyless(bodyless);
        }
    }

    /** Writes without flushing, except the request's end ({@code last}); the caller flushes what one call wrote. */
    private void write(Object o, boolean last) {
        if (closed) {
            ReferenceCountUtil.release(o);
            return;
        }
        if (last) {
            requestDone = true;
        }
        if (channel == null) {
            queued.add(o);
            queuedBytes += o instanceof ByteBuf ? ((ByteBuf) o).readableBytes() : 0;
            if (queuedBytes > pool.writeHighWatermark()) {
                writability(false);
            }
        } else if (last) {
            channel.writeAndFlush(o, channel.voidPromise());
            unflushed = false;
        } else {
            channel.write(o, channel.voidPromise()); // as in ResponseWriter: nobody waits for it
            unflushed = true;
        }
        maybeRelease();
    }

    void flush() {
        if (unflushed) {
            unflushed = false;
            channel.flush();
        }
    }

    void onResponse(HttpResponse r) {
        keepAlive = HttpUtil.isKeepAlive(r);
        listener.response(r);
    }

    void onContent(HttpContent c) {
        boolean last = c instanceof LastHttpContent;
        if (last) {
            responseDone = true;
            // Before the listener runs: the stream it completes cancels an exchange still open, closing the connection.
            maybeRelease();
        }
        listener.content(c, last);
    }

    void onDisconnect() {
        if (!responseDone && !closed) {
            closed = true;
            listener.disconnected(false);
        }
    }

    /** The response was malformed: the caller closes the connection, which is never reused. */
    void onMalformedResponse() {
        if (!responseDone && !closed) {
            closed = true;
            handler.exchange(null);
            listener.disconnected(true);
        }
    }

    private void maybeRelease() {
        if (requestDone && responseDone && !closed) {
            closed = true;
            handler.exchange(null);
            if (readPaused) {
                channel.config().setAutoRead(true); // for the connection's next exchange
            }
            if (keepAlive) {
                pool.release(cluster.name(), channel);
            } else {
                channel.close();
            }
        }
    }

    /** Abandons the exchange: the connection is closed, never reused. */
    void cancel() {
        if (!closed) {
            closed = true;
            queued.forEach(ReferenceCountUtil::release);
            queued.clear();
            if (channel != null) {
                handler.exchange(null);
                channel.close();
            }
        }
    }
}
