package dev.wasmesh.proxy.envoy;

import static dev.wasmesh.proxy.envoy.Extensions.HCM;
import static dev.wasmesh.proxy.envoy.Extensions.TCP_PROXY;

import dev.wasmesh.config.ConfigException;
import dev.wasmesh.config.ConfigMap;
import dev.wasmesh.host.stream.Metadata;
import dev.wasmesh.proxy.config.Endpoint;
import dev.wasmesh.proxy.config.FilterConfig;
import dev.wasmesh.proxy.config.Limits;
import dev.wasmesh.proxy.config.ListenerConfig;
import dev.wasmesh.proxy.config.ListenerInfo;
import dev.wasmesh.proxy.config.RouteConfig;
import dev.wasmesh.proxy.config.TcpProxyConfig;
import dev.wasmesh.proxy.tls.DownstreamTls;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code static_resources.listeners}: an HTTP listener (one filter chain with an http_connection_manager: its
 * limits, routes, access logs and http filters) or a TCP listener (network wasm filters, then the TCP proxy).
 */
final class ListenerReader {
    private final ReadContext ctx;
    private final TlsContexts tls;
    private final WasmReader wasm;
    private final RouteReader routes;

    ListenerReader(ReadContext ctx, TlsContexts tls) {
        this.ctx = ctx;
        this.tls = tls;
        this.wasm = new WasmReader(ctx);
        this.routes = new RouteReader(ctx.config());
    }

    /** An HTTP listener's configuration, or null for a TCP listener (added to the config directly). */
    ListenerConfig listener(ConfigMap l) throws ConfigException {
        String listenerName = l.string("name", "");
        Endpoint listen = CoreFields.socketAddress(l.map("address"));
        long bufferLimit = l.longValue("per_connection_buffer_limit_bytes", Limits.DEFAULT.bufferLimitBytes());
        Metadata listenerMetadata = CoreFields.metadata(l);
        String direction = CoreFields.enumName(l, "traffic_direction", "UNSPECIFIED");
        int directionCode = List.of("UNSPECIFIED", "INBOUND", "OUTBOUND").indexOf(direction);
        if (directionCode < 0) {
            throw l.error("traffic_direction", "expected UNSPECIFIED, INBOUND or OUTBOUND, got " + direction);
        }
        List<ConfigMap> chains = l.maps("filter_chains");
        if (chains.size() != 1) {
            throw l.error("filter_chains", "wasmesh runs exactly one filter chain, found " + chains.size());
        }
        ConfigMap chain = chains.get(0);
        ListenerInfo info = new ListenerInfo(listenerMetadata, chain.string("name", ""), directionCode);
        List<ConfigMap> filters = chain.maps("filters");
        if (!filters.isEmpty() && isTcpProxy(filters.get(filters.size() - 1))) {
            tcpListener(l, chain, filters, listen);
            return null;
        }
        if (filters.size() != 1) {
            throw chain.error(
                    "filters",
                    "wasmesh runs one " + HCM + ", or network wasm filters then " + TCP_PROXY + ", found "
                            + filters.size() + " filters");
        }
        DownstreamTls listenerTls = tls.downstream(chain);
        chain.done();
        ConfigMap f = filters.get(0);
        String name = f.requireString("name");
        if (!Extensions.hasType(f)) {
            if (name.equals(HCM) || name.equals(Extensions.LEGACY_HCM)) {
                throw f.error("typed_config", "required: the HttpConnectionManager's stat_prefix and route_config");
            }
            throw f.error("name", "wasmesh runs only " + HCM + ", not " + name);
        }
        Extensions.Typed typed = Extensions.typed(f, "typed_config");
        if (!typed.type().equals(Extensions.HCM_TYPE)) {
            throw f.error("typed_config", "wasmesh runs only " + Extensions.HCM_TYPE + ", not " + typed.type());
        }
        ConfigMap hcm = typed.body();
        hcm.accept("@type");
        f.done();
        String statPrefix = hcm.requireString("stat_prefix");
        String codec = CoreFields.enumName(hcm, "codec_type", "AUTO");
        if (!List.of("AUTO", "HTTP1", "HTTP2").contains(codec)) {
            throw hcm.error("codec_type", "expected AUTO, HTTP1 or HTTP2 (HTTP/3 is not supported)");
        }
        Limits d = Limits.DEFAULT;
        int headersKb = hcm.intValue("max_request_headers_kb", d.maxRequestHeadersBytes() / 1024);
        Limits limits = d.withMaxRequestHeadersBytes(headersKb * 1024)
                .withBufferLimitBytes(bufferLimit)
                .withRequestHeadersTimeout(hcm.duration("request_headers_timeout", d.requestHeadersTimeout()))
                .withRequestTimeout(hcm.duration("request_timeout", d.requestTimeout()))
                .withStreamIdleTimeout(hcm.duration("stream_idle_timeout", d.streamIdleTimeout()));
        ConfigMap common = hcm.optMap("common_http_protocol_options");
        if (common != null) {
            limits = limits.withIdleTimeout(common.duration("idle_timeout", d.idleTimeout()));
            common.done();
        }
        List<RouteConfig> routeList = routes.routeConfig(hcm.map("route_config"));
        accessLogs(hcm);
        List<FilterConfig> wasmFilters = new ArrayList<>();
        boolean routerLast = false;
        for (ConfigMap hf : hcm.maps("http_filters")) {
            if (routerLast) {
                throw hf.error("the router must be the last http filter");
            }
            routerLast = httpFilter(hf, wasmFilters);
        }
        if (!routerLast) {
            throw hcm.error("http_filters", "must end with envoy.filters.http.router");
        }
        hcm.done();
        l.done();
        return new ListenerConfig(listenerName, listen, statPrefix, limits, wasmFilters, routeList, info, listenerTls);
    }

    /** Whether a network filter is the TCP proxy: by its typed_config's type, or by name without one. */
    private static boolean isTcpProxy(ConfigMap f) throws ConfigException {
        String type = Extensions.typeOf(f);
        if (type != null) {
            return type.equals(Extensions.TCP_PROXY_TYPE);
        }
        String name = f.string("name", "");
        return name.equals(TCP_PROXY) || name.equals("envoy.tcp_proxy");
    }

    /**
     * A TCP listener: network wasm filters ({@code envoy.extensions.filters.network.wasm.v3.Wasm}), then the TCP
     * proxy to a cluster, as Envoy runs them.
     */
    private void tcpListener(ConfigMap l, ConfigMap chain, List<ConfigMap> filters, Endpoint listen)
            throws ConfigException {
        if (chain.has("transport_socket")) {
            throw chain.error("transport_socket", "TLS on TCP listeners is not supported by wasmesh");
        }
        chain.done();
        List<FilterConfig> network = new ArrayList<>();
        for (ConfigMap f : filters.subList(0, filters.size() - 1)) {
            String name = f.requireString("name");
            if (!Extensions.hasType(f)) {
                throw f.error("typed_config", "required for " + name + " (wasmesh runs network wasm filters)");
            }
            Extensions.Typed typed = Extensions.typed(f, "typed_config");
            if (!typed.type().equals(Extensions.NETWORK_WASM_TYPE)) {
                throw f.error(
                        "typed_config", "before the TCP proxy wasmesh runs network wasm filters, not " + typed.type());
            }
            ConfigMap tc = typed.body();
            tc.accept("@type");
            network.add(wasm.wasm(tc.map("config"), name));
            tc.done();
            f.done();
        }
        ConfigMap proxy = filters.get(filters.size() - 1);
        proxy.accept("name");
        ConfigMap tc = Extensions.typed(proxy, "typed_config").body();
        tc.accept("@type");
        String statPrefix = tc.requireString("stat_prefix");
        String cluster = tc.requireString("cluster");
        tc.done();
        proxy.done();
        if (!ctx.config().clusters().containsKey(cluster)) {
            throw tc.error(
                    "cluster", "names cluster '" + cluster + "', which static_resources.clusters does not define");
        }
        l.accept("per_connection_buffer_limit_bytes", "metadata", "traffic_direction");
        l.done();
        ctx.config().addTcpListener(new TcpProxyConfig(listen, network, cluster, statPrefix));
    }

    /**
     * The connection manager's access loggers: file and stream loggers are noticed (wasmesh writes one access log,
     * in Envoy's default format, to stdout); a wasm access logger runs filter code, so it is refused.
     */
    private void accessLogs(ConfigMap hcm) throws ConfigException {
        for (ConfigMap log : hcm.maps("access_log")) {
            log.accept("name", "filter");
            if (log.has("typed_config")) {
                Extensions.Typed t = Extensions.typed(log, "typed_config");
                if (t.type().equals(Extensions.WASM_ACCESS_LOG_TYPE)) {
                    throw log.error("typed_config", "wasm access loggers are not run by wasmesh");
                }
                t.body().acceptAll();
            }
            log.done();
            ctx.config()
                    .notices()
                    .add(log.path() + ": accepted and not used (wasmesh writes one access log, in Envoy's"
                            + " default format, to stdout)");
        }
    }

    /**
     * One http filter, picked by its typed_config's type (by name only without one: the router's names, the
     * current and the legacy {@code envoy.router}). A disabled filter is left out, as Envoy leaves it out of the
     * chain unless a route enables it, and an optional one of a type wasmesh does not run is skipped with a notice.
     *
     * @return whether it is the router
     */
    private boolean httpFilter(ConfigMap f, List<FilterConfig> wasmFilters) throws ConfigException {
        String name = f.requireString("name");
        boolean disabled = f.bool("disabled", false);
        boolean optional = f.bool("is_optional", false);
        if (!Extensions.hasType(f)) {
            f.accept("typed_config");
            f.done();
            if (name.equals("envoy.filters.http.router") || name.equals("envoy.router")) {
                return true;
            }
            throw f.error("typed_config", "required for " + name + " (wasmesh runs wasm and router http filters)");
        }
        Extensions.Typed typed = Extensions.typed(f, "typed_config");
        ConfigMap tc = typed.body();
        tc.accept("@type");
        boolean router = false;
        if (typed.type().equals(Extensions.ROUTER_TYPE)) {
            tc.done();
            router = true;
        } else if (typed.type().equals(Extensions.WASM_TYPE)) {
            FilterConfig filter = wasm.wasm(tc.map("config"), name);
            tc.done();
            if (!disabled) {
                wasmFilters.add(filter);
            }
        } else if (optional) {
            tc.acceptAll();
            ctx.config()
                    .notices()
                    .add(f.path() + ": optional filter " + name + " of type " + typed.type()
                            + " skipped (wasmesh runs wasm and router http filters)");
        } else {
            throw f.error("typed_config", "wasmesh runs wasm and router http filters, not " + typed.type());
        }
        f.done();
        return router;
    }
}
