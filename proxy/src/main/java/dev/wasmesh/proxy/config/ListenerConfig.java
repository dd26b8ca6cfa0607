package dev.wasmesh.proxy.config;

import dev.wasmesh.proxy.tls.DownstreamTls;
import java.util.List;
import java.util.Objects;

/**
 * One listener beyond the first of {@link ProxyConfig} (whose own fields describe the first): its address, its
 * http_connection_manager's stat prefix, limits, wasm filters and routes, what filters read of it, and its TLS
 * ({@code tls} null for plain text).
 */
public record ListenerConfig(
        String name,
        Endpoint listen,
        String statPrefix,
        Limits limits,
        List<FilterConfig> filters,
        List<RouteConfig> routes,
        ListenerInfo info,
        DownstreamTls tls) {
    public ListenerConfig {
        Objects.requireNonNull(name);
        Objects.requireNonNull(listen);
        Objects.requireNonNull(statPrefix);
        Objects.requireNonNull(limits);
        filters = List.copyOf(filters);
        routes = List.copyOf(routes);
        Objects.requireNonNull(info);
    }

    /** A plain-text listener. */
    public ListenerConfig(
            String name,
            Endpoint listen,
            String statPrefix,
            Limits limits,
            List<FilterConfig> filters,
            List<RouteConfig> routes,
            ListenerInfo info) {
        this(name, listen, statPrefix, limits, filters, routes, info, null);
    }
}
