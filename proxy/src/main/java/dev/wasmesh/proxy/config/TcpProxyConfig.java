package dev.wasmesh.proxy.config;

import java.util.List;
import java.util.Objects;

/**
 * A TCP listener as Envoy configures one: network wasm filters ({@code envoy.filters.network.wasm}, in order)
 * followed by {@code envoy.filters.network.tcp_proxy} to {@code cluster}, whose stats are named
 * {@code tcp.<statPrefix>.*}.
 */
public record TcpProxyConfig(Endpoint listen, List<FilterConfig> filters, String cluster, String statPrefix) {
    public TcpProxyConfig {
        Objects.requireNonNull(listen);
        Objects.requireNonNull(cluster);
        Objects.requireNonNull(statPrefix);
        filters = List.copyOf(filters);
    }
}
