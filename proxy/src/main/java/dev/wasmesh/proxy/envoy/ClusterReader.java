package dev.wasmesh.proxy.envoy;

import dev.wasmesh.config.ConfigException;
import dev.wasmesh.config.ConfigMap;
import dev.wasmesh.host.stream.Metadata;
import dev.wasmesh.proxy.config.ClusterConfig;
import dev.wasmesh.proxy.config.Endpoint;
import dev.wasmesh.proxy.tls.UpstreamTls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code static_resources.clusters}: static and DNS clusters, round robin, their endpoints, TLS and HTTP options. */
final class ClusterReader {
    private ClusterReader() {}

    static ClusterConfig cluster(ConfigMap c, TlsContexts tls) throws ConfigException {
        String name = c.requireString("name");
        String type = CoreFields.enumName(c, "type", "STATIC");
        if (!List.of("STATIC", "STRICT_DNS", "LOGICAL_DNS").contains(type)) {
            throw c.error("type", "wasmesh supports STATIC, STRICT_DNS and LOGICAL_DNS clusters, not " + type);
        }
        String lb = CoreFields.enumName(c, "lb_policy", "ROUND_ROBIN");
        if (!lb.equals("ROUND_ROBIN")) {
            throw c.error("lb_policy", "only ROUND_ROBIN is supported");
        }
        c.accept("dns_lookup_family");
        Metadata metadata = CoreFields.metadata(c);
        Duration connectTimeout = c.duration("connect_timeout", ClusterConfig.DEFAULT_CONNECT_TIMEOUT);
        ConfigMap la = c.map("load_assignment");
        la.accept("cluster_name");
        List<Endpoint> endpoints = new ArrayList<>();
        Map<Endpoint, Metadata> endpointMetadata = new LinkedHashMap<>();
        for (ConfigMap group : la.maps("endpoints")) {
            for (ConfigMap lbe : group.maps("lb_endpoints")) {
                ConfigMap ep = lbe.map("endpoint");
                Endpoint endpoint = CoreFields.socketAddress(ep.map("address"));
                endpoints.add(endpoint);
                Metadata md = CoreFields.metadata(lbe);
                if (!md.isEmpty()) {
                    endpointMetadata.put(endpoint, md);
                }
                ep.done();
                lbe.done();
            }
            group.done();
        }
        la.done();
        ConfigMap h2 = c.optMap("http2_protocol_options");
        if (h2 != null) {
            h2.done(); // gRPC call-outs always speak h2c; the router speaks HTTP/1.1 to every cluster
        }
        ConfigMap protocolOptions = c.optMap("typed_extension_protocol_options");
        if (protocolOptions != null) {
            protocolOptions(protocolOptions);
        }
        UpstreamTls upstreamTls = tls.upstream(c);
        c.done();
        try {
            return new ClusterConfig(name, endpoints, connectTimeout, metadata, endpointMetadata, upstreamTls);
        } catch (IllegalArgumentException e) {
            throw c.error("load_assignment", e.getMessage());
        }
    }

    /** HttpProtocolOptions with an explicit HTTP/1.1 or HTTP/2 config, both empty (the defaults wasmesh runs). */
    private static void protocolOptions(ConfigMap protocolOptions) throws ConfigException {
        ConfigMap hpo = protocolOptions.map(Extensions.HTTP_OPTIONS);
        Extensions.expectType(hpo, "type.googleapis.com/" + Extensions.HTTP_OPTIONS);
        ConfigMap explicit = hpo.map("explicit_http_config");
        ConfigMap h2opts = explicit.optMap("http2_protocol_options");
        ConfigMap h1opts = explicit.optMap("http_protocol_options");
        if (h2opts != null) {
            h2opts.done();
        }
        if (h1opts != null) {
            h1opts.done();
        }
        explicit.done();
        hpo.done();
        protocolOptions.done();
    }
}
