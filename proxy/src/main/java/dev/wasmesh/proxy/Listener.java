package dev.wasmesh.proxy;

import dev.wasmesh.proxy.config.Endpoint;
import dev.wasmesh.proxy.config.Limits;
import dev.wasmesh.proxy.config.ListenerConfig;
import dev.wasmesh.proxy.config.RouteConfig;
import dev.wasmesh.proxy.wasm.FilterChain;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A running listener: its socket, its filter chain (one VM per filter and worker), routes, limits and the stats
 * of its http_connection_manager. Listeners share the workers, clusters and the host environment.
 */
public final class Listener {
    private final ProxyServer server;
    private final ListenerConfig config;
    private final List<RouteConfig> routes;
    /** Stats counted per request, looked up once: index 1-5 for downstream_rq_1xx ... 5xx. */
    private final LongAdder[] responseClassStats = new LongAdder[6];

    final LongAdder rqTotal;
    final AtomicLong rqActive;
    volatile FilterChain chain;
    Channel channel;

    Listener(ProxyServer server, ListenerConfig config, List<RouteConfig> routes) {
        this.server = server;
        this.config = config;
        this.routes = List.copyOf(routes);
        for (int c = 1; c <= 5; c++) {
            responseClassStats[c] = server.stats().counterCell(httpStat("downstream_rq_" + c + "xx"));
        }
        this.rqTotal = server.stats().counterCell(httpStat("downstream_rq_total"));
        this.rqActive = server.stats().gaugeCell(httpStat("downstream_rq_active"));
    }

    public ListenerConfig config() {
        return config;
    }

    Limits limits() {
        return config.limits();
    }

    public List<RouteConfig> routes() {
        return routes;
    }

    public FilterChain chain() {
        return chain;
    }

    public Endpoint address() {
        InetSocketAddress a = (InetSocketAddress) channel.localAddress();
        return new Endpoint(a.getAddress().getHostAddress(), a.getPort());
    }

    String listenerStat(String name) {
        Endpoint ep = address();
        return "listener." + ep.host() + "_" + ep.port() + "." + name;
    }

    String httpStat(String name) {
        return "http." + config.statPrefix() + "." + name;
    }

    /** Counts a response in {@code downstream_rq_Nxx}. */
    void countResponse(int code) {
        int c = code / 100;
        if (c >= 1 && c <= 5) {
            responseClassStats[c].increment();
        } else {
            server.stats().inc(httpStat("downstream_rq_" + c + "xx"));
        }
    }
}
