package dev.wasmesh.proxy.config;

import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.host.stream.Metadata;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One route: a match on path and headers, and the cluster it sends to with its timeout (0 = none), or a direct
 * response instead of a cluster. Domains, prefix, path and header matches are byte strings, as the request's headers
 * are ({@link HeaderMap#utf8} of a text). The metadata and the virtual host are what filters read as
 * {@code xds.route_metadata}, {@code xds.virtual_host_name} and {@code xds.virtual_host_metadata}.
 */
public record RouteConfig(
        String name,
        List<String> domains,
        String prefix,
        String path,
        List<HeaderMatch> headers,
        String cluster,
        Duration timeout,
        Metadata metadata,
        String virtualHost,
        Metadata virtualHostMetadata,
        DirectResponse direct) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
    private static final Pattern PORT = Pattern.compile(":\\d+$");

    /** A header condition: exact value, value prefix, or just present. */
    public record HeaderMatch(String name, String exact, String prefix, boolean invert) {
        boolean matches(HeaderMap h) {
            String v = h.first(name);
            boolean m = v != null && (exact == null || exact.equals(v)) && (prefix == null || v.startsWith(prefix));
            return m != invert;
        }
    }

    /** Envoy's {@code direct_response}: the router answers with this status and body. */
    public record DirectResponse(int status, String body) {}

    public RouteConfig {
        domains = List.copyOf(domains);
        headers = List.copyOf(headers);
    }

    public RouteConfig(
            String name,
            List<String> domains,
            String prefix,
            String path,
            List<HeaderMatch> headers,
            String cluster,
            Duration timeout) {
        this(name, domains, prefix, path, headers, cluster, timeout, Metadata.EMPTY, "", Metadata.EMPTY, null);
    }

    public static RouteConfig catchAll(String cluster) {
        return new RouteConfig("default", List.of(), "/", null, List.of(), cluster, DEFAULT_TIMEOUT);
    }

    /** Whether the request (its {@code :authority}, {@code :path} without the query, and headers) matches. */
    public boolean matches(HeaderMap request) {
        if (!domains.isEmpty() && !domainMatches(request.first(":authority"))) {
            return false;
        }
        String p = request.first(":path");
        if (p == null) {
            return false;
        }
        int q = p.indexOf('?');
        String pathOnly = q < 0 ? p : p.substring(0, q);
        if (path != null && !path.equals(pathOnly)) {
            return false;
        }
        if (prefix != null && !pathOnly.startsWith(prefix)) {
            return false;
        }
        for (HeaderMatch hm : headers) {
            if (!hm.matches(request)) {
                return false;
            }
        }
        return true;
    }

    /** Envoy's virtual-host domains: {@code *}, an exact host (with or without port), {@code *.suffix} or {@code prefix.*}. */
    private boolean domainMatches(String authority) {
        String host = authority == null ? "" : HeaderMap.lowerAscii(authority);
        String noPort = PORT.matcher(host).replaceFirst("");
        for (String d : domains) {
            String dl = HeaderMap.lowerAscii(d);
            if (dl.equals("*")
                    || dl.equals(host)
                    || dl.equals(noPort)
                    || (dl.startsWith("*") && noPort.endsWith(dl.substring(1)))
                    || (dl.endsWith("*") && noPort.startsWith(dl.substring(0, dl.length() - 1)))) {
                return true;
            }
        }
        return false;
    }
}
