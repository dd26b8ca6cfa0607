package dev.wasmesh.proxy.tcp;

import dev.wasmesh.host.HostClock;
import dev.wasmesh.proxy.config.ClusterConfig;
import dev.wasmesh.proxy.config.Endpoint;
import dev.wasmesh.proxy.config.Limits;
import dev.wasmesh.proxy.config.TcpProxyConfig;
import dev.wasmesh.proxy.stats.ProxyStats;
import dev.wasmesh.proxy.transport.Transport;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A TCP listener: each accepted connection stays on one worker's event loop, runs through the network wasm filters
 * of that worker and is proxied to the cluster, as Envoy's network filter chain with {@code tcp_proxy} last.
 */
public final class TcpListener implements AutoCloseable {
    private final TcpProxyConfig config;
    private final ClusterConfig cluster;
    private final ProxyStats stats;
    private final Limits limits;
    private final HostClock clock;
    private final Function<EventLoop, List<? extends NetworkFilter>> filters;
    private final WriteBufferWaterMark watermark;
    private final AtomicInteger nextEndpoint = new AtomicInteger();
    private Channel channel;

    private TcpListener(
            TcpProxyConfig config,
            ClusterConfig cluster,
            ProxyStats stats,
            Limits limits,
            HostClock clock,
            Function<EventLoop, List<? extends NetworkFilter>> filters) {
        this.config = config;
        this.cluster = cluster;
        this.stats = stats;
        this.limits = limits;
        this.clock = clock;
        this.filters = filters;
        this.watermark = new WriteBufferWaterMark(limits.writeLowWatermark(), limits.writeHighWatermark());
    }

    /**
     * Binds the listener.
     *
     * @param filters the network filters a connection accepted on a worker's loop runs through (the filter chain
     *     generation current when it opens)
     */
    public static TcpListener start(
            TcpProxyConfig config,
            ClusterConfig cluster,
            ProxyStats stats,
            Limits limits,
            HostClock clock,
            Function<EventLoop, List<? extends NetworkFilter>> filters,
            EventLoopGroup boss,
            EventLoopGroup workers)
            throws InterruptedException {
        TcpListener l = new TcpListener(config, cluster, stats, limits, clock, filters);
        l.channel = Transport.server(boss, workers)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                // Nothing is read before tcp_proxy has its upstream connection.
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, l.watermark)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new TcpConnection(l, l.filters.apply(ch.eventLoop())));
                    }
                })
                .bind(config.listen().host(), config.listen().port())
                .sync()
                .channel();
        return l;
    }

    public Endpoint address() {
        InetSocketAddress a = (InetSocketAddress) channel.localAddress();
        return new Endpoint(a.getAddress().getHostAddress(), a.getPort());
    }

    public TcpProxyConfig config() {
        return config;
    }

    ClusterConfig cluster() {
        return cluster;
    }

    WriteBufferWaterMark watermark() {
        return watermark;
    }

    /** What a connection may hold in each direction before it stops reading (Envoy's connection buffer limit). */
    long bufferLimit() {
        return limits.bufferLimitBytes();
    }

    long realtimeNanos() {
        return clock.realtimeNanos();
    }

    ProxyStats stats() {
        return stats;
    }

    /** A tcp_proxy stat, as Envoy names it. */
    String stat(String name) {
        return "tcp." + config.statPrefix() + "." + name;
    }

    String clusterStat(String name) {
        return "cluster." + cluster.name() + "." + name;
    }

    /** The next upstream endpoint, round-robin. */
    Endpoint pickEndpoint() {
        List<Endpoint> eps = cluster.endpoints();
        return eps.get(Math.floorMod(nextEndpoint.getAndIncrement(), eps.size()));
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
    }
}
