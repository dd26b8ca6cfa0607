package dev.wasmesh.proxy;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
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

        /** The connection closed before the response completed. */
        void disconnected();
    }

    private final UpstreamPool pool;
    private final ClusterConfig cluster;
    private final Listener listener;
    private final List<HttpObject> queued = new ArrayList<>();
    private Channel channel;
    private boolean requestDone;
    private boolean responseDone;
    private boolean keepAlive = true;
    private boolean closed;

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
        return channel == null || channel.remoteAddress() == null ? "" : channel.remoteAddress().toString()
                .replaceFirst("^[^/]*/", "");
    }

    void attach(Channel ch) {
        if (closed) {
            ch.close();
            return;
        }
        channel = ch;
        ch.pipeline().get(UpstreamHandler.class).exchange(this);
        for (HttpObject o : queued) {
            ch.write(o);
        }
        queued.clear();
        ch.flush();
    }

    void connectFailed(Throwable cause) {
        queued.forEach(ReferenceCountUtil::release);
        queued.clear();
        if (!closed) {
            closed = true;
            listener.connectFailed(cause);
        }
    }

    void write(HttpObject o) {
        if (closed) {
            ReferenceCountUtil.release(o);
            return;
        }
        if (o instanceof LastHttpContent) {
            requestDone = true;
        }
        if (channel == null) {
            queued.add(o);
        } else {
            channel.writeAndFlush(o);
        }
        maybeRelease();
    }

    void onResponse(HttpResponse r) {
        keepAlive = HttpUtil.isKeepAlive(r);
        listener.response(r);
    }

    void onContent(HttpContent c) {
        boolean last = c instanceof LastHttpContent;
        if (last) {
            responseDone = true;
        }
        listener.content(c, last);
        maybeRelease();
    }

    void onDisconnect() {
        if (!responseDone && !closed) {
            closed = true;
            listener.disconnected();
        }
    }

    private void maybeRelease() {
        if (requestDone && responseDone && !closed) {
            closed = true;
            channel.pipeline().get(UpstreamHandler.class).exchange(null);
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
                channel.pipeline().get(UpstreamHandler.class).exchange(null);
                channel.close();
            }
        }
    }
}
