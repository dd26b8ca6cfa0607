package dev.wasmesh.proxy;

import dev.wasmesh.proxy.config.Limits;
import dev.wasmesh.proxy.http1.Http1RequestDecoder;
import dev.wasmesh.proxy.http1.Http1ResponseEncoder;
import dev.wasmesh.proxy.tls.DownstreamTls;
import dev.wasmesh.proxy.tls.TlsFailure;
import dev.wasmesh.proxy.worker.Worker;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AsciiString;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A downstream connection's pipeline: TLS if the listener has it, then HTTP/1.1 with keep-alive, and HTTP/2 both by
 * prior knowledge (or ALPN) and by {@code Upgrade: h2c}. Each HTTP/2 stream becomes a child channel that speaks the
 * same HTTP objects as HTTP/1.1.
 */
final class DownstreamInitializer extends ChannelInitializer<Channel> {
    private final ProxyServer server;
    private final Listener listener;

    DownstreamInitializer(ProxyServer server, Listener listener) {
        this.server = server;
        this.listener = listener;
    }

    @Override
    protected void initChannel(Channel ch) {
        Limits limits = listener.limits();
        AtomicLong active = server.stats().gaugeCell(listener.httpStat("downstream_cx_active"));
        if (active.incrementAndGet() > limits.maxConnections() && limits.maxConnections() > 0) {
            // As Envoy's listener connection limit: closed at once, counted, nothing read.
            active.decrementAndGet();
            server.stats().inc(listener.listenerStat("downstream_cx_overflow"));
            ch.close();
            return;
        }
        server.stats().inc(listener.httpStat("downstream_cx_total"));
        ch.closeFuture().addListener(f -> active.decrementAndGet());
        server.opened(ch);
        Worker worker = server.workerFor(ch.eventLoop());
        DownstreamTls tls = listener.config().tls();
        if (tls != null) {
            // Whatever ALPN picks, the client then opens with HTTP/1.1 or the HTTP/2 preface, which the handlers
            // behind tell apart as on plain text.
            SslHandler ssl = tls.newHandler(ch.alloc());
            ch.pipeline().addLast(ssl);
            ssl.handshakeFuture().addListener(hs -> {
                if (hs.isSuccess()) {
                    server.stats().inc(listener.listenerStat("ssl.handshake"));
                } else {
                    TlsFailure.stats(hs.cause()).forEach(s -> server.stats().inc(listener.listenerStat(s)));
                }
            });
        }
        int headerLimit = limits.maxRequestHeadersBytes();
        Http1RequestDecoder decoder = new Http1RequestDecoder(headerLimit, tls != null);
        Http1ResponseEncoder encoder = new Http1ResponseEncoder();
        Http2FrameCodec frames = Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings().maxHeaderListSize(headerLimit))
                .build();
        Http2MultiplexHandler streams = new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel child) {
                child.pipeline()
                        .addLast(
                                new Http2StreamFrameToHttpObjectCodec(true),
                                new DownstreamHandler(server, listener, worker, null, null));
            }
        });
        DownstreamHandler[] http1 = new DownstreamHandler[1];
        // On `Upgrade: h2c` the upgrade handler answers 101 through the encoder, then the HTTP/1.1 handlers go.
        HttpServerUpgradeHandler upgrade = new HttpServerUpgradeHandler(
                ctx -> {
                    ctx.pipeline().remove(decoder);
                    ctx.pipeline().remove(encoder);
                    ctx.pipeline().remove(http1[0]);
                },
                protocol -> AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                        ? new Http2ServerUpgradeCodec(
                                frames, streams, new Http2Downstream(server, listener, worker, frames))
                        : null,
                (int) Math.min(Integer.MAX_VALUE, limits.bufferLimitBytes()));
        http1[0] = new DownstreamHandler(server, listener, worker, decoder, upgrade);
        ch.pipeline()
                .addLast(
                        new PriorKnowledge(() -> {
                            // The connection is HTTP/2 only: every HTTP/1.1 handler goes.
                            ch.pipeline()
                                    .remove(decoder)
                                    .remove(encoder)
                                    .remove(upgrade)
                                    .remove(http1[0]);
                            ch.pipeline()
                                    .addLast(frames, streams, new Http2Downstream(server, listener, worker, frames));
                        }),
                        decoder,
                        encoder,
                        upgrade,
                        http1[0]);
    }
}
