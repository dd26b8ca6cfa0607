package dev.wasmesh.proxy.config;

import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.host.stream.NodeInfo;
import dev.wasmesh.proxy.tls.DownstreamTls;
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
    private final List<WasmServiceConfig> services = new ArrayList<>();
    private final List<RouteConfig> routes = new ArrayList<>();
    private final Map<String, ClusterConfig> clusters = new LinkedHashMap<>();
    private int workers = Runtime.getRuntime().availableProcessors();
    private Limits limits = Limits.DEFAULT;
    private boolean watch;
    private LogLevel logLevel = LogLevel.INFO;
    private String statPrefix = "ingress_http";
    private ListenerInfo listenerInfo = ListenerInfo.NONE;
    private NodeInfo node;
    private final List<StatsTag> statsTags = new ArrayList<>();
    private boolean useAllDefaultTags = true;
    private final List<String> notices = new ArrayList<>();
    private final List<ListenerConfig> moreListeners = new ArrayList<>();
    private DownstreamTls listenerTls;
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

    public ListenerInfo listenerInfo() {
        return listenerInfo;
    }

    public ProxyConfig listenerInfo(ListenerInfo info) {
        this.listenerInfo = Objects.requireNonNull(info);
        return this;
    }

    /** The bootstrap's node, which filters read as {@code xds.node}; null for none. */
    public NodeInfo node() {
        return node;
    }

    public ProxyConfig node(NodeInfo node) {
        this.node = node;
        return this;
    }

    /** Envoy's {@code stats_config.stats_tags}, applied to the Prometheus output in this order. */
    public List<StatsTag> statsTags() {
        return statsTags;
    }

    public boolean useAllDefaultTags() {
        return useAllDefaultTags;
    }

    public ProxyConfig useAllDefaultTags(boolean use) {
        this.useAllDefaultTags = use;
        return this;
    }

    public List<WasmServiceConfig> services() {
        return services;
    }

    public ProxyConfig addService(WasmServiceConfig service) {
        services.add(Objects.requireNonNull(service));
        return this;
    }

    /** The listeners after the first (which this config's own fields describe). */
    public List<ListenerConfig> moreListeners() {
        return moreListeners;
    }

    public ProxyConfig addListener(ListenerConfig listener) {
        moreListeners.add(listener);
        return this;
    }

    /** One line per configuration field that was accepted but changes nothing here, for {@code run} to print. */
    public List<String> notices() {
        return notices;
    }

    /** The listener's TLS, or null for plain text. */
    public DownstreamTls listenerTls() {
        return listenerTls;
    }

    public ProxyConfig listenerTls(DownstreamTls tls) {
        this.listenerTls = tls;
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
    public boolean needsEchoUpstream() {
        return routes.isEmpty();
    }
}
