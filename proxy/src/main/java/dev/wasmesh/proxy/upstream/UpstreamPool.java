package dev.wasmesh.proxy.upstream;

import dev.wasmesh.proxy.config.ClusterConfig;
import dev.wasmesh.proxy.config.Endpoint;
import dev.wasmesh.proxy.config.Limits;
import dev.wasmesh.proxy.http1.UpstreamResponseDecoder;
import dev.wasmesh.proxy.stats.ProxyStats;
import dev.wasmesh.proxy.tls.TlsFailure;
import dev.wasmesh.proxy.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * A worker's keep-alive HTTP/1.1 connections to upstream clusters, picked round-robin over a cluster's endpoints.
 * Every connection lives on the worker's own event loop, so streams and their upstreams never cross threads.
 */
public final class UpstreamPool {
    private final EventLoop loop;
    private final ProxyStats stats;
    private final Map<String, ArrayDeque<Channel>> idle = new HashMap<>();
    private final Map<String, Integer> nextEndpoint = new HashMap<>();
    /** upstream_rq_total per cluster, looked up once (it is counted per request). */
    private final Map<String, LongAdder> rqTotalStats = new HashMap<>();

    private final WriteBufferWaterMark watermark;

    public UpstreamPool(EventLoop loop, ProxyStats stats, Limits limits) {
        this.loop = loop;
        this.stats = stats;
        this.watermark = new WriteBufferWaterMark(limits.writeLowWatermark(), limits.writeHighWatermark());
    }

    /** The worker's loop, which every connection of the pool is on. */
    public EventLoop loop() {
        return loop;
    }

    /** What a request may queue on a connection before its reader waits (Envoy's per-connection buffer limit). */
    int writeHighWatermark() {
        return watermark.high();
    }

    /** Starts an exchange with {@code cluster}: a pooled connection if one is idle, else a new one. */
    UpstreamExchange open(ClusterConfig cluster, UpstreamExchange.Listener listener) {
        UpstreamExchange exchange = new UpstreamExchange(this, cluster, listener);
        rqTotalStats
                .computeIfAbsent(cluster.name(), n -> stats.counterCell("cluster." + n + ".upstream_rq_total"))
                .increment();
        ArrayDeque<Channel> q = idle.get(cluster.name());
        while (q != null && !q.isEmpty()) {
            Channel ch = q.pollFirst();
            if (ch.isActive()) {
                exchange.attach(ch);
                return exchange;
            }
        }
        Endpoint ep = pick(cluster);
        // Set as the channel registers, before it connects.
        SslHandler[] ssl = new SslHandler[1];
        ChannelFuture f = new Bootstrap()
                .group(loop)
                .channel(Transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        cluster.connectTimeout().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, watermark)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (cluster.tls() != null) {
                            ssl[0] = cluster.tls()
                                    .newHandler(ch.alloc(), ep.host(), ep.port(), false, cluster.connectTimeout());
                            ch.pipeline().addLast(ssl[0]);
                        }
                        ch.pipeline().addLast(new UpstreamResponseDecoder(), new UpstreamHandler());
                    }
                })
                .connect(ep.host(), ep.port());
        f.channel().attr(ENDPOINT).set(ep);
        forgetWhenClosed(cluster.name(), f.channel());
        stats.inc("cluster." + cluster.name() + ".upstream_cx_total");
        f.addListener(done -> {
            if (!done.isSuccess()) {
                stats.inc("cluster." + cluster.name() + ".upstream_cx_connect_fail");
                exchange.connectFailed(done.cause());
            } else if (cluster.tls() == null) {
                exchange.attach(f.channel());
            } else {
                // As Envoy: the connection is usable, and a failed handshake is a connection failure, once TLS is up.
                ssl[0].handshakeFuture().addListener(hs -> {
                    if (hs.isSuccess()) {
                        stats.inc("cluster." + cluster.name() + ".ssl.handshake");
                        exchange.attach(f.channel());
                    } else {
                        stats.inc("cluster." + cluster.name() + ".upstream_cx_connect_fail");
                        TlsFailure.stats(hs.cause()).forEach(s -> stats.inc("cluster." + cluster.name() + "." + s));
                        f.channel().close();
                        exchange.connectFailed(hs.cause());
                    }
                });
            }
        });
        return exchange;
    }

    /** The configured endpoint a connection went to (its metadata is the upstream host's). */
    static final AttributeKey<Endpoint> ENDPOINT = AttributeKey.valueOf("wasmesh.endpoint");

    private Endpoint pick(ClusterConfig cluster) {
        int i = nextEndpoint.merge(cluster.name(), 1, Integer::sum);
        return cluster.endpoints().get(Math.floorMod(i, cluster.endpoints().size()));
    }

    void release(String cluster, Channel ch) {
        if (ch.isActive()) {
            idle.computeIfAbsent(cluster, k -> new ArrayDeque<>()).addLast(ch);
        }
    }

    /** An idle connection the upstream closes leaves the pool; registered once per connection, not per reuse. */
    private void forgetWhenClosed(String cluster, Channel ch) {
        ch.closeFuture().addListener(f -> {
            ArrayDeque<Channel> q = idle.get(cluster);
            if (q != null) {
                q.remove(ch);
            }
        });
    }
}
