package dev.wasmesh.proxy;

import java.util.List;
import java.util.Objects;

/**
 * One listener beyond the first of {@link ProxyConfig} (whose own fields describe the first): its address, its
 * http_connection_manager's stat prefix, limits, wasm filters and routes, and what filters read of it.
 */
public record ListenerConfig(
        String name,
        Endpoint listen,
        String statPrefix,
        Limits limits,
        List<FilterConfig> filters,
        List<RouteConfig> routes,
        ListenerInfo info) {
    public ListenerConfig {
        Objects.requireNonNull(name);
        Objects.requireNonNull(listen);
        Objects.requireNonNull(statPrefix);
        Objects.requireNonNull(limits);
        filters = List.copyOf(filters);
        routes = List.copyOf(routes);
        Objects.requireNonNull(info);
    }
}
