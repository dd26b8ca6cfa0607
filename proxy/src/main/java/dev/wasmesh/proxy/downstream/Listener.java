package dev.wasmesh.proxy.downstream;

import dev.wasmesh.host.HostClock;
import dev.wasmesh.proxy.config.ClusterConfig;
import dev.wasmesh.proxy.config.Endpoint;
import dev.wasmesh.proxy.config.Limits;
import dev.wasmesh.proxy.config.ListenerConfig;
import dev.wasmesh.proxy.config.RouteConfig;
import dev.wasmesh.proxy.log.AccessLog;
import dev.wasmesh.proxy.stats.ProxyStats;
import dev.wasmesh.proxy.wasm.FilterChain;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A running HTTP listener: its socket, its filter chain (one VM per filter and worker), routes and limits, and what
 * its http_connection_manager gives its connections, as Envoy's connection manager configuration does: the stats,
 * the clusters its routes name, the access log and the clock. Listeners share the workers, clusters and the host
 * environment.
 */
public final class Listener {
    private final ListenerConfig config;
    private final List<RouteConfig> routes;
    private final ProxyStats stats;
    private final Map<String, ClusterConfig> clusters;
    private final Consumer<AccessLog.Entry> accessLog;
    private final HostClock clock;
    /** Stats counted per request, looked up once: index 1-5 for downstream_rq_1xx ... 5xx. */
    private final LongAdder[] responseClassStats = new LongAdder[6];

    final LongAdder rqTotal;
    final AtomicLong rqActive;
    private volatile FilterChain chain;
    private Channel channel;

    /**
     * @param clusters the clusters by name
     * @param accessLog where each stream's access-log entry goes
     * @param clock the host's clock, which filters read too: access-log times come from it
     */
    public Listener(
            ListenerConfig config,
            List<RouteConfig> routes,
            ProxyStats stats,
            Map<String, ClusterConfig> clusters,
            Consumer<AccessLog.Entry> accessLog,
            HostClock clock) {
        this.config = config;
        this.routes = List.copyOf(routes);
        this.stats = stats;
        this.clusters = clusters;
        this.accessLog = accessLog;
        this.clock = clock;
        for (int c = 1; c <= 5; c++) {
            responseClassStats[c] = stats.counterCell(httpStat("downstream_rq_" + c + "xx"));
        }
        this.rqTotal = stats.counterCell(httpStat("downstream_rq_total"));
        this.rqActive = stats.gaugeCell(httpStat("downstream_rq_active"));
    }

    public ListenerConfig config() {
        return config;
    }

    public Limits limits() {
        return config.limits();
    }

    public List<RouteConfig> routes() {
        return routes;
    }

    public FilterChain chain() {
        return chain;
    }

    /** Streams that start from now on use {@code chain} (a reload's new generation). */
    public void chain(FilterChain chain) {
        this.chain = chain;
    }

    /** The listening socket, once bound; null before. */
    public Channel channel() {
        return channel;
    }

    public void bound(Channel channel) {
        this.channel = channel;
    }

    ProxyStats stats() {
        return stats;
    }

    Map<String, ClusterConfig> clusters() {
        return clusters;
    }

    void accessLog(AccessLog.Entry entry) {
        accessLog.accept(entry);
    }

    HostClock clock() {
        return clock;
    }

    public Endpoint address() {
        InetSocketAddress a = (InetSocketAddress) channel.localAddress();
        return new Endpoint(a.getAddress().getHostAddress(), a.getPort());
    }

    String listenerStat(String name) {
        Endpoint ep = address();
        return "listener." + ep.host() + "_" + ep.port() + "." + name;
    }

    public String httpStat(String name) {
        return "http." + config.statPrefix() + "." + name;
    }

    /** Counts a response in {@code downstream_rq_Nxx}. */
    void countResponse(int code) {
        int c = code / 100;
        if (c >= 1 && c <= 5) {
            responseClassStats[c].increment();
        } else {
            stats.inc(httpStat("downstream_rq_" + c + "xx"));
        }
    }
}
