package dev.wasmesh.proxy.admin;

import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.host.abi.MetricType;
import dev.wasmesh.host.shared.Metrics;
import dev.wasmesh.proxy.config.Endpoint;
import dev.wasmesh.proxy.log.ProxyLog;
import dev.wasmesh.proxy.stats.Histogram;
import dev.wasmesh.proxy.stats.Prometheus;
import dev.wasmesh.proxy.stats.ProxyStats;
import dev.wasmesh.proxy.transport.Transport;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Envoy's admin endpoints that matter here: {@code /ready}, {@code /stats}, {@code /stats/prometheus},
 * {@code /config_dump} and {@code /logging}.
 */
public final class AdminServer implements AutoCloseable {
    private final Channel channel;

    private AdminServer(Channel channel) {
        this.channel = channel;
    }

    /**
     * What the admin endpoint reads and changes.
     *
     * @param customMetrics the filters' own metrics
     * @param live whether the proxy takes traffic ({@code /ready}); false while it drains
     * @param configDump the running configuration as JSON ({@link ConfigDump})
     */
    public record Sources(
            ProxyStats stats,
            Prometheus prometheus,
            Metrics customMetrics,
            ProxyLog log,
            BooleanSupplier live,
            Supplier<String> configDump) {}

    public static AdminServer start(Endpoint listen, EventLoopGroup group, Sources sources)
            throws InterruptedException {
        Channel ch = Transport.server(group, group)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                        c.pipeline()
                                .addLast(
                                        new HttpServerCodec(),
                                        new HttpObjectAggregator(64 * 1024),
                                        new Handler(sources));
                    }
                })
                .bind(listen.host(), listen.port())
                .sync()
                .channel();
        return new AdminServer(ch);
    }

    public Endpoint address() {
        InetSocketAddress a = (InetSocketAddress) channel.localAddress();
        return new Endpoint(a.getAddress().getHostAddress(), a.getPort());
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    private static final String ENDPOINTS = "admin endpoints: /ready /stats /stats/prometheus /config_dump /logging\n";

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Sources sources;

        Handler(Sources sources) {
            this.sources = sources;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            QueryStringDecoder q = new QueryStringDecoder(req.uri());
            String contentType = "text/plain; charset=UTF-8";
            HttpResponseStatus status = HttpResponseStatus.OK;
            String body;
            switch (q.path()) {
                case "/":
                    // Envoy's admin home page lists its endpoints.
                    body = ENDPOINTS;
                    break;
                case "/ready":
                    boolean ready = sources.live().getAsBoolean();
                    status = ready ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE;
                    body = ready ? "LIVE\n" : "DRAINING\n";
                    break;
                case "/stats":
                    body = stats();
                    break;
                case "/stats/prometheus":
                    body = prometheus();
                    contentType = "text/plain; version=0.0.4";
                    break;
                case "/config_dump":
                    body = sources.configDump().get();
                    contentType = "application/json";
                    break;
                case "/logging":
                    List<String> level = q.parameters().get("level");
                    if (level != null && !"POST".equals(req.method().name())) {
                        status = HttpResponseStatus.METHOD_NOT_ALLOWED;
                        body = "This endpoint requires POST to change the level\n";
                    } else if (level != null) {
                        try {
                            sources.log().level(LogLevel.parse(level.get(0)));
                            body = "active loggers:\n  wasm: "
                                    + sources.log().level().lowerName() + "\n";
                        } catch (IllegalArgumentException e) {
                            status = HttpResponseStatus.BAD_REQUEST;
                            body = e.getMessage() + "\n";
                        }
                    } else {
                        body = "active loggers:\n  wasm: "
                                + sources.log().level().lowerName() + "\n";
                    }
                    break;
                default:
                    status = HttpResponseStatus.NOT_FOUND;
                    body = "invalid path; " + ENDPOINTS;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            FullHttpResponse r =
                    new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
            r.headers().set("content-type", contentType);
            HttpUtil.setContentLength(r, bytes.length);
            if (HttpUtil.isKeepAlive(req)) {
                ctx.writeAndFlush(r);
            } else {
                ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
            }
        }

        /** Envoy's text format: {@code name: value}, sorted, custom filter metrics under {@code wasmcustom.}. */
        private String stats() {
            Map<String, String> all = new TreeMap<>();
            sources.stats().counters().forEach((k, v) -> all.put(k, Long.toString(v)));
            sources.stats().gauges().forEach((k, v) -> all.put(k, Long.toString(v)));
            for (Metrics.Metric m : sources.customMetrics().all()) {
                all.put(
                        "wasmcustom." + m.name(),
                        m.type() == MetricType.HISTOGRAM ? Histogram.envoyText(m.samples()) : Long.toString(m.value()));
            }
            StringBuilder sb = new StringBuilder();
            all.forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
            return sb.toString();
        }

        /** Prometheus text, named and labelled as Envoy's tag extraction has it (see {@link Prometheus}). */
        private String prometheus() {
            Prometheus.Output out = sources.prometheus().output();
            sources.stats().counters().forEach((k, v) -> out.sample(k, "counter", v));
            sources.stats().gauges().forEach((k, v) -> out.sample(k, "gauge", v));
            for (Metrics.Metric m : sources.customMetrics().all()) {
                String stat = Prometheus.CUSTOM_NAMESPACE + m.name();
                if (m.type() == MetricType.HISTOGRAM) {
                    out.histogram(stat, m.value(), m.samples());
                } else {
                    out.sample(stat, m.type() == MetricType.COUNTER ? "counter" : "gauge", m.value());
                }
            }
            return out.text();
        }
    }
}
