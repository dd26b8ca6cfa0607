package dev.wasmesh.proxy;

import dev.wasmesh.host.Metadata;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An upstream cluster: named endpoints the router and call-outs connect to, picked round-robin, and the metadata
 * filters read as {@code xds.cluster_metadata} and, per endpoint, {@code xds.upstream_host_metadata}.
 */
public record ClusterConfig(
        String name,
        List<Endpoint> endpoints,
        Duration connectTimeout,
        Metadata metadata,
        Map<Endpoint, Metadata> endpointMetadata) {
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    public ClusterConfig {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("cluster '" + name + "' has no endpoints");
        }
        endpoints = List.copyOf(endpoints);
        endpointMetadata = Map.copyOf(endpointMetadata);
    }

    public ClusterConfig(String name, List<Endpoint> endpoints, Duration connectTimeout, Metadata metadata) {
        this(name, endpoints, connectTimeout, metadata, Map.of());
    }

    public ClusterConfig(String name, List<Endpoint> endpoints, Duration connectTimeout) {
        this(name, endpoints, connectTimeout, Metadata.EMPTY, Map.of());
    }

    /** A cluster from an {@code http://host:port} URL (https is not supported: no TLS upstream). */
    public static ClusterConfig fromUrl(String name, String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cluster " + name + ": bad URL '" + url + "'", e);
        }
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("cluster " + name + ": expected http://HOST:PORT, got '" + url + "'");
        }
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        return new ClusterConfig(name, List.of(new Endpoint(uri.getHost(), port)), DEFAULT_CONNECT_TIMEOUT);
    }
}
