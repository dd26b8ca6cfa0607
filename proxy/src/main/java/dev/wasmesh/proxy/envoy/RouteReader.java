package dev.wasmesh.proxy.envoy;

import static dev.wasmesh.proxy.envoy.CoreFields.wire;

import dev.wasmesh.config.ConfigException;
import dev.wasmesh.config.ConfigMap;
import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.host.stream.Metadata;
import dev.wasmesh.proxy.config.ProxyConfig;
import dev.wasmesh.proxy.config.RouteConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A connection manager's {@code route_config}: virtual hosts by domain, routes by prefix, path and headers, to a
 * cluster (which must be defined) or a direct response.
 */
final class RouteReader {
    private final ProxyConfig config;

    RouteReader(ProxyConfig config) {
        this.config = config;
    }

    List<RouteConfig> routeConfig(ConfigMap rc) throws ConfigException {
        List<RouteConfig> routes = new ArrayList<>();
        rc.accept("name");
        for (ConfigMap vh : rc.maps("virtual_hosts")) {
            String vhName = vh.string("name", "");
            Metadata vhMetadata = CoreFields.metadata(vh);
            List<String> domains =
                    vh.strings("domains").stream().map(CoreFields::wire).toList();
            if (domains.isEmpty()) {
                throw vh.error("domains", "required");
            }
            for (ConfigMap r : vh.maps("routes")) {
                routes.add(route(r, domains, vhName, vhMetadata));
            }
            vh.done();
        }
        rc.done();
        return routes;
    }

    private RouteConfig route(ConfigMap r, List<String> domains, String vhName, Metadata vhMetadata)
            throws ConfigException {
        String name = r.string("name", "");
        ConfigMap match = r.map("match");
        String prefix = match.string("prefix", null);
        String path = match.string("path", null);
        if (prefix == null && path == null) {
            throw match.error("needs prefix or path (the match kinds wasmesh supports)");
        }
        List<RouteConfig.HeaderMatch> headers = new ArrayList<>();
        for (ConfigMap h : match.maps("headers")) {
            headers.add(headerMatch(h));
        }
        match.done();
        Metadata metadata = CoreFields.metadata(r);
        String cluster = "";
        Duration timeout = RouteConfig.DEFAULT_TIMEOUT;
        RouteConfig.DirectResponse direct = null;
        if (r.has("direct_response")) {
            direct = directResponse(r.map("direct_response"));
        } else {
            ConfigMap action = r.map("route");
            cluster = action.requireString("cluster");
            if (!config.clusters().containsKey(cluster)) {
                throw action.error("cluster", "'" + cluster + "' is not defined in static_resources.clusters");
            }
            timeout = action.duration("timeout", RouteConfig.DEFAULT_TIMEOUT);
            action.done();
        }
        r.done();
        return new RouteConfig(
                name,
                domains,
                wire(prefix),
                wire(path),
                headers,
                cluster,
                timeout,
                metadata,
                vhName,
                vhMetadata,
                direct);
    }

    /** A route's direct_response: a status and an optional inline_string body. */
    private static RouteConfig.DirectResponse directResponse(ConfigMap d) throws ConfigException {
        long status = d.longValue("status", -1);
        if (status < 200 || status > 599) {
            throw d.error("status", "required, from 200 to 599 (as Envoy)");
        }
        String body = "";
        ConfigMap b = d.optMap("body");
        if (b != null) {
            body = b.requireString("inline_string");
            b.done();
        }
        d.done();
        return new RouteConfig.DirectResponse((int) status, body);
    }

    private static RouteConfig.HeaderMatch headerMatch(ConfigMap h) throws ConfigException {
        String name = h.requireString("name");
        boolean invert = h.bool("invert_match", false);
        String exact = h.string("exact_match", null);
        String prefix = h.string("prefix_match", null);
        boolean present = h.bool("present_match", false);
        ConfigMap sm = h.optMap("string_match");
        if (sm != null) {
            exact = sm.string("exact", exact);
            prefix = sm.string("prefix", prefix);
            sm.done();
        }
        if (exact == null && prefix == null && !present) {
            throw h.error("needs exact_match, prefix_match, present_match or string_match.{exact|prefix}");
        }
        h.done();
        return new RouteConfig.HeaderMatch(HeaderMap.lowerAscii(wire(name)), wire(exact), wire(prefix), invert);
    }
}
