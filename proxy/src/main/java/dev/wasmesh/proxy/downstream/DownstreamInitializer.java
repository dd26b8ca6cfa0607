package dev.wasmesh.proxy.downstream;

import dev.wasmesh.proxy.config.Limits;
import dev.wasmesh.proxy.http1.Http1RequestDecoder;
import dev.wasmesh.proxy.http1.Http1ResponseEncoder;
import dev.wasmesh.proxy.http2.Http2Connection;
import dev.wasmesh.proxy.http2.PriorKnowledge;
import dev.wasmesh.proxy.log.ProxyLog;
import dev.wasmesh.proxy.stats.ProxyStats;
import dev.wasmesh.proxy.tls.DownstreamTls;
import dev.wasmesh.proxy.tls.TlsFailure;
import dev.wasmesh.proxy.worker.Worker;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A downstream connection's pipeline: TLS if the listener has it, then HTTP/1.1 with keep-alive, and HTTP/2 both by
 * prior knowledge (or ALPN) and by {@code Upgrade: h2c}. Each HTTP/2 stream becomes a child channel whose
 * {@link Http2StreamHandler} reads and writes its frames.
 */
public final class DownstreamInitializer extends ChannelInitializer<Channel> {
    private final Listener listener;
    private final Function<EventExecutor, Worker> workers;
    private final ChannelGroup connections;
    private final ProxyLog log;

    /**
     * @param workers the worker of an event loop
     * @param connections every open downstream connection, which this adds each new one to
     * @param log where HTTP/2 connection errors go
     */
    public DownstreamInitializer(
            Listener listener, Function<EventExecutor, Worker> workers, ChannelGroup connections, ProxyLog log) {
        this.listener = listener;
        this.workers = workers;
        this.connections = connections;
        this.log = log;
    }

    @Override
    protected void initChannel(Channel ch) {
        Limits limits = listener.limits();
        ProxyStats stats = listener.stats();
        AtomicLong active = stats.gaugeCell(listener.httpStat("downstream_cx_active"));
        if (active.incrementAndGet() > limits.maxConnections() && limits.maxConnections() > 0) {
            // As Envoy's listener connection limit: closed at once, counted, nothing read.
            active.decrementAndGet();
            stats.inc(listener.listenerStat("downstream_cx_overflow"));
            ch.close();
            return;
        }
        stats.inc(listener.httpStat("downstream_cx_total"));
        ch.closeFuture().addListener(f -> active.decrementAndGet());
        connections.add(ch);
        Worker worker = workers.apply(ch.eventLoop());
        DownstreamTls tls = listener.config().tls();
        if (tls != null) {
            // Whatever ALPN picks, the client then opens with HTTP/1.1 or the HTTP/2 preface, which the handlers
            // behind tell apart as on plain text.
            SslHandler ssl = tls.newHandler(ch.alloc());
            ch.pipeline().addLast(ssl);
            ssl.handshakeFuture().addListener(hs -> {
                if (hs.isSuccess()) {
                    stats.inc(listener.listenerStat("ssl.handshake"));
                } else {
                    TlsFailure.stats(hs.cause()).forEach(s -> stats.inc(listener.listenerStat(s)));
                }
            });
        }
        int headerLimit = limits.maxRequestHeadersBytes();
        Http1RequestDecoder decoder = new Http1RequestDecoder(headerLimit, tls != null);
        Http1ResponseEncoder encoder = new Http1ResponseEncoder();
        Http2Connection http2 = new Http2Connection(
                headerLimit,
                () -> new Http2StreamHandler(listener, worker),
                worker,
                limits.idleTimeout(),
                () -> stats.inc(listener.httpStat("downstream_cx_idle_timeout")),
                log);
        DownstreamHandler[] http1 = new DownstreamHandler[1];
        // On `Upgrade: h2c` the upgrade handler answers 101 through the encoder, then the HTTP/1.1 handlers go.
        HttpServerUpgradeHandler upgrade = new HttpServerUpgradeHandler(
                ctx -> {
                    ctx.pipeline().remove(decoder);
                    ctx.pipeline().remove(encoder);
                    ctx.pipeline().remove(http1[0]);
                },
                protocol -> AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                        ? http2.upgradeCodec()
                        : null,
                (int) Math.min(Integer.MAX_VALUE, limits.bufferLimitBytes()));
        http1[0] = new DownstreamHandler(listener, worker, decoder, upgrade);
        ch.pipeline()
                .addLast(
                        new PriorKnowledge(() -> {
                            // The connection is HTTP/2 only: every HTTP/1.1 handler goes.
                            ch.pipeline()
                                    .remove(decoder)
                                    .remove(encoder)
                                    .remove(upgrade)
                                    .remove(http1[0]);
                            http2.addTo(ch.pipeline());
                        }),
                        decoder,
                        encoder,
                        upgrade,
                        http1[0]);
    }
}
