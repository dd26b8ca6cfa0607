package dev.wasmesh.proxy.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.proxy.config.ClusterConfig;
import dev.wasmesh.proxy.config.ProxyConfig;
import dev.wasmesh.proxy.config.RouteConfig;
import dev.wasmesh.proxy.downstream.Listener;
import dev.wasmesh.proxy.wasm.FilterChain;
import dev.wasmesh.proxy.wasm.LoadedFilter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The running configuration as JSON, in the shape of what it came from (listener, filters, routes, clusters). */
public final class ConfigDump {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ConfigDump() {}

    /**
     * @param listeners the running HTTP listeners, the first one from the configuration's own fields
     * @param clusters the clusters by name, with the built-in echo upstream if there is one
     */
    public static String of(ProxyConfig config, List<Listener> listeners, Map<String, ClusterConfig> clusters) {
        Map<String, Object> doc = new LinkedHashMap<>();
        Listener first = listeners.get(0);
        doc.put("listener", first.address().toString());
        if (config.listenerTls() != null) {
            doc.put(
                    "listener_tls",
                    Map.of("require_client_certificate", config.listenerTls().requireClientCertificate()));
        }
        doc.put("http_filters", filters(first.chain()));
        doc.put("routes", routes(first.routes()));
        List<Object> more = new ArrayList<>();
        for (Listener l : listeners.subList(1, listeners.size())) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", l.config().name());
            m.put("address", l.address().toString());
            m.put("stat_prefix", l.config().statPrefix());
            m.put("http_filters", filters(l.chain()));
            m.put("routes", routes(l.routes()));
            more.add(m);
        }
        if (!more.isEmpty()) {
            doc.put("more_listeners", more);
        }
        Map<String, Object> clusterDocs = new LinkedHashMap<>();
        clusters.forEach((name, c) -> {
            List<String> eps = new ArrayList<>();
            c.endpoints().forEach(e -> eps.add(e.toString()));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("endpoints", eps);
            m.put("connect_timeout_ms", c.connectTimeout().toMillis());
            if (c.tls() != null) {
                m.put(
                        "tls",
                        c.tls().sni() == null ? Map.of() : Map.of("sni", c.tls().sni()));
            }
            clusterDocs.put(name, m);
        });
        doc.put("clusters", clusterDocs);
        doc.put("workers", config.workers());
        return json(doc);
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static List<Object> filters(FilterChain chain) {
        List<Object> filters = new ArrayList<>();
        for (LoadedFilter f : chain.filters()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", f.plugin().name());
            m.put("root_id", f.plugin().rootId());
            m.put("vm_id", f.plugin().vmId());
            m.put("code", f.config().location());
            m.put("abi_version", f.module().abiVersion().toString());
            m.put("failure_policy", f.plugin().failurePolicy().name());
            m.put(
                    "configuration",
                    new String(f.plugin().pluginConfiguration(), java.nio.charset.StandardCharsets.UTF_8));
            filters.add(m);
        }
        return filters;
    }

    private static List<Object> routes(List<RouteConfig> list) {
        List<Object> routes = new ArrayList<>();
        for (RouteConfig r : list) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", r.name());
            if (r.prefix() != null) {
                m.put("prefix", HeaderMap.text(r.prefix()));
            }
            if (r.path() != null) {
                m.put("path", HeaderMap.text(r.path()));
            }
            if (r.direct() != null) {
                m.put(
                        "direct_response",
                        Map.of("status", r.direct().status(), "body", r.direct().body()));
            } else {
                m.put("cluster", r.cluster());
                m.put("timeout_ms", r.timeout().toMillis());
            }
            routes.add(m);
        }
        return routes;
    }
}
