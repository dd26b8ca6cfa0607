package dev.wasmesh.proxy;

import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.proxy.tcp.TcpProxyConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a proxy runs with: listener, admin, the filter chain, routes, clusters, workers and limits. With no
 * routes the proxy starts the built-in echo upstream and routes everything to it.
 */
public final class ProxyConfig {
    /** The cluster name the built-in echo upstream (or --upstream) gets. */
    public static final String DEFAULT_CLUSTER = "upstream";

    private Endpoint listen = new Endpoint("127.0.0.1", 10000);
    private Endpoint admin = new Endpoint("127.0.0.1", 9901);
    private final List<FilterConfig> filters = new ArrayList<>();
    private final List<RouteConfig> routes = new ArrayList<>();
    private final Map<String, ClusterConfig> clusters = new LinkedHashMap<>();
    private int workers = Runtime.getRuntime().availableProcessors();
    private Limits limits = Limits.DEFAULT;
    private boolean watch;
    private LogLevel logLevel = LogLevel.INFO;
    private String statPrefix = "ingress_http";
    private final List<TcpProxyConfig> tcpListeners = new ArrayList<>();

    public Endpoint listen() {
        return listen;
    }

    public ProxyConfig listen(Endpoint listen) {
        this.listen = Objects.requireNonNull(listen);
        return this;
    }

    /** The admin endpoint, or null for none. */
    public Endpoint admin() {
        return admin;
    }

    public ProxyConfig admin(Endpoint admin) {
        this.admin = admin;
        return this;
    }

    public List<FilterConfig> filters() {
        return filters;
    }

    public ProxyConfig addFilter(FilterConfig filter) {
        filters.add(filter);
        return this;
    }

    public List<RouteConfig> routes() {
        return routes;
    }

    public ProxyConfig addRoute(RouteConfig route) {
        routes.add(route);
        return this;
    }

    public Map<String, ClusterConfig> clusters() {
        return clusters;
    }

    public ProxyConfig addCluster(ClusterConfig cluster) {
        if (clusters.putIfAbsent(cluster.name(), cluster) != null) {
            throw new IllegalArgumentException("cluster '" + cluster.name() + "' is defined twice");
        }
        return this;
    }

    public int workers() {
        return workers;
    }

    public ProxyConfig workers(int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("--workers must be at least 1, got " + workers);
        }
        this.workers = workers;
        return this;
    }

    public Limits limits() {
        return limits;
    }

    public ProxyConfig limits(Limits limits) {
        this.limits = Objects.requireNonNull(limits);
        return this;
    }

    public boolean watch() {
        return watch;
    }

    public ProxyConfig watch(boolean watch) {
        this.watch = watch;
        return this;
    }

    public LogLevel logLevel() {
        return logLevel;
    }

    public ProxyConfig logLevel(LogLevel level) {
        this.logLevel = Objects.requireNonNull(level);
        return this;
    }

    public String statPrefix() {
        return statPrefix;
    }

    public ProxyConfig statPrefix(String prefix) {
        this.statPrefix = Objects.requireNonNull(prefix);
        return this;
    }

    /** TCP listeners (network wasm filters, then tcp_proxy), next to the HTTP listener. */
    public List<TcpProxyConfig> tcpListeners() {
        return tcpListeners;
    }

    public ProxyConfig addTcpListener(TcpProxyConfig listener) {
        tcpListeners.add(Objects.requireNonNull(listener));
        return this;
    }

    /** Whether the proxy must start the built-in echo upstream: nothing routes anywhere else. */
    boolean needsEchoUpstream() {
        return routes.isEmpty();
    }
}
