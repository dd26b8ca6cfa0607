package dev.wasmesh.proxy;

import dev.wasmesh.host.HeaderMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The running configuration as JSON, in the shape of what it came from (listener, filters, routes, clusters). */
final class ConfigDump {
    private ConfigDump() {}

    static String of(ProxyServer server) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("listener", server.listenAddress().toString());
        if (server.config().listenerTls() != null) {
            doc.put(
                    "listener_tls",
                    Map.of(
                            "require_client_certificate",
                            server.config().listenerTls().requireClientCertificate()));
        }
        List<Object> filters = new ArrayList<>();
        for (LoadedFilter f : server.chain().filters()) {
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
        doc.put("http_filters", filters);
        List<Object> routes = new ArrayList<>();
        for (RouteConfig r : server.routes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", r.name());
            if (r.prefix() != null) {
                m.put("prefix", HeaderMap.text(r.prefix()));
            }
            if (r.path() != null) {
                m.put("path", HeaderMap.text(r.path()));
            }
            m.put("cluster", r.cluster());
            m.put("timeout_ms", r.timeout().toMillis());
            routes.add(m);
        }
        doc.put("routes", routes);
        Map<String, Object> clusters = new LinkedHashMap<>();
        server.clusters().forEach((name, c) -> {
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
            clusters.put(name, m);
        });
        doc.put("clusters", clusters);
        doc.put("workers", server.config().workers());
        return Json.write(doc);
    }
}
