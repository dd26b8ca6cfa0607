package dev.wasmesh.proxy.config;

import dev.wasmesh.host.stream.Metadata;
import dev.wasmesh.proxy.tls.UpstreamTls;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An upstream cluster: named endpoints the router and call-outs connect to, picked round-robin; the metadata filters
 * read as {@code xds.cluster_metadata} and, per endpoint, {@code xds.upstream_host_metadata}; {@code tls} null for
 * plain text.
 */
public record ClusterConfig(
        String name,
        List<Endpoint> endpoints,
        Duration connectTimeout,
        Metadata metadata,
        Map<Endpoint, Metadata> endpointMetadata,
        UpstreamTls tls) {
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    public ClusterConfig {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("cluster '" + name + "' has no endpoints");
        }
        endpoints = List.copyOf(endpoints);
        endpointMetadata = Map.copyOf(endpointMetadata);
    }

    public ClusterConfig(String name, List<Endpoint> endpoints, Duration connectTimeout, Metadata metadata) {
        this(name, endpoints, connectTimeout, metadata, Map.of(), null);
    }

    public ClusterConfig(String name, List<Endpoint> endpoints, Duration connectTimeout, UpstreamTls tls) {
        this(name, endpoints, connectTimeout, Metadata.EMPTY, Map.of(), tls);
    }

    public ClusterConfig(String name, List<Endpoint> endpoints, Duration connectTimeout) {
        this(name, endpoints, connectTimeout, Metadata.EMPTY, Map.of(), null);
    }

    /**
     * A cluster from an {@code http://host:port} or {@code https://host:port} URL; https checks the server's
     * certificate against the system's trust store, or {@code trustedCa} (PEM) if given, and its name against the
     * host, which is also sent as SNI.
     */
    public static ClusterConfig fromUrl(String name, String url, byte[] trustedCa) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cluster " + name + ": bad URL '" + url + "'", e);
        }
        boolean https = "https".equals(uri.getScheme());
        if (!https && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException(
                    "cluster " + name + ": expected http://HOST:PORT or https://HOST:PORT, got '" + url + "'");
        }
        String host = uri.getHost().startsWith("[")
                ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        int port = uri.getPort() >= 0 ? uri.getPort() : https ? 443 : 80;
        UpstreamTls tls = null;
        if (https) {
            try {
                tls = new UpstreamTls(host, trustedCa, null, List.of(), List.of(), true);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("cluster " + name + ": " + e.getMessage(), e);
            }
        }
        return new ClusterConfig(name, List.of(new Endpoint(host, port)), DEFAULT_CONNECT_TIMEOUT, tls);
    }

    /** {@link #fromUrl(String, String, byte[])} with the system's trust store. */
    public static ClusterConfig fromUrl(String name, String url) {
        return fromUrl(name, url, null);
    }
}
