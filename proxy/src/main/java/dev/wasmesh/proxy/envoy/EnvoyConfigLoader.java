package dev.wasmesh.proxy.envoy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wasmesh.host.FailurePolicy;
import dev.wasmesh.host.PluginConfig;
import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.host.stream.Metadata;
import dev.wasmesh.host.stream.NodeInfo;
import dev.wasmesh.proxy.config.ClusterConfig;
import dev.wasmesh.proxy.config.Endpoint;
import dev.wasmesh.proxy.config.FilterConfig;
import dev.wasmesh.proxy.config.Limits;
import dev.wasmesh.proxy.config.ListenerConfig;
import dev.wasmesh.proxy.config.ListenerInfo;
import dev.wasmesh.proxy.config.ProxyConfig;
import dev.wasmesh.proxy.config.RouteConfig;
import dev.wasmesh.proxy.config.StatsTag;
import dev.wasmesh.proxy.config.TcpProxyConfig;
import dev.wasmesh.proxy.config.WasmServiceConfig;
import dev.wasmesh.proxy.tls.DownstreamTls;
import dev.wasmesh.proxy.tls.UpstreamTls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.PatternSyntaxException;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads Envoy's v3 static bootstrap (YAML or JSON): listeners, each with an http_connection_manager (routes by
 * prefix, path and headers to a cluster or a direct response; wasm and router http_filters), its clusters, the
 * node, stats tags and the admin address. Extensions are picked as Envoy picks them: by the type of their
 * {@code typed_config} (inside a {@code TypedStruct} too), by name only without one. Strict: a field wasmesh does not
 * run is an error naming its path, except fields that cannot change what a request sees (access log paths, stats
 * sinks, runtime layers, ...), which are accepted with a notice ({@link ProxyConfig#notices}).
 */
public final class EnvoyConfigLoader {
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String HCM = "envoy.filters.network.http_connection_manager";
    /** The network filter's name before Envoy 1.14, still in many example configurations. */
    static final String LEGACY_HCM = "envoy.http_connection_manager";

    static final String HCM_TYPE = "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
    static final String WASM_TYPE = "envoy.extensions.filters.http.wasm.v3.Wasm";
    static final String ROUTER_TYPE = "envoy.extensions.filters.http.router.v3.Router";
    static final String WASM_SERVICE_TYPE = "envoy.extensions.wasm.v3.WasmService";
    static final String NETWORK_WASM_TYPE = "envoy.extensions.filters.network.wasm.v3.Wasm";
    static final String TCP_PROXY_TYPE = "envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy";
    static final String TCP_PROXY = "envoy.filters.network.tcp_proxy";
    static final String STRING_VALUE = "type.googleapis.com/google.protobuf.StringValue";
    static final String BYTES_VALUE = "type.googleapis.com/google.protobuf.BytesValue";
    static final String HTTP_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";
    /** The wrappers Envoy unpacks to find an extension's type: {@code type_url} plus the config as {@code value}. */
    static final List<String> TYPED_STRUCTS = List.of("udpa.type.v1.TypedStruct", "xds.type.v3.TypedStruct");

    private final Path baseDir;
    private final LogLevel logLevel;
    private final ProxyConfig config = new ProxyConfig();
    private final TlsContexts tls;

    private EnvoyConfigLoader(Path baseDir, LogLevel logLevel) {
        this.baseDir = baseDir;
        this.logLevel = logLevel;
        this.tls = new TlsContexts(baseDir);
    }

    /**
     * @param baseDir what relative code file names are resolved against (Envoy uses its working directory)
     */
    public static ProxyConfig load(Path file, Path baseDir, LogLevel logLevel)
            throws IOException, EnvoyConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        }
        return parse(text, baseDir, logLevel);
    }

    public static ProxyConfig parse(String text, Path baseDir, LogLevel logLevel) throws EnvoyConfigException {
        Object doc;
        try {
            doc = new Load(LoadSettings.builder().build()).loadFromString(text);
        } catch (YamlEngineException e) {
            throw new EnvoyConfigException(
                    "not valid YAML or JSON: " + e.getMessage().replace('\n', ' '));
        }
        EnvoyConfigLoader loader = new EnvoyConfigLoader(baseDir, logLevel);
        loader.bootstrap(Node.of(doc, ""));
        return loader.config;
    }

    private void bootstrap(Node root) throws EnvoyConfigException {
        Node statics = root.object("static_resources");
        List<Node> listeners = statics.objects("listeners");
        if (listeners.isEmpty()) {
            throw statics.error("listeners", "required: at least one listener");
        }
        for (Node c : statics.objects("clusters")) {
            config.addCluster(cluster(c, tls));
        }
        statics.done();
        boolean first = true;
        for (Node ln : listeners) {
            ListenerConfig lc = listener(ln);
            if (lc == null) {
                continue; // a TCP listener, already added
            }
            if (first) {
                first = false;
                config.listen(lc.listen())
                        .statPrefix(lc.statPrefix())
                        .limits(lc.limits())
                        .listenerInfo(lc.info())
                        .listenerTls(lc.tls());
                lc.filters().forEach(config::addFilter);
                lc.routes().forEach(config::addRoute);
            } else {
                config.addListener(lc);
            }
        }
        if (first) {
            throw statics.error(
                    "listeners", "wasmesh needs at least one listener with an " + HCM + " (HTTP) filter chain");
        }
        for (Node ext : root.objects("bootstrap_extensions")) {
            bootstrapExtension(ext);
        }
        Node admin = root.optObject("admin");
        if (admin != null) {
            config.admin(socketAddress(admin.object("address")));
            notice(admin, "access_log_path", "wasmesh keeps no admin access log");
            notice(admin, "access_log", "wasmesh keeps no admin access log");
            notice(admin, "profile_path", "wasmesh has no CPU profiler");
            admin.done();
        } else {
            config.admin(null);
        }
        Node node = root.optObject("node");
        if (node != null) {
            config.node(node(node));
        }
        Node stats = root.optObject("stats_config");
        if (stats != null) {
            statsConfig(stats);
        }
        notice(root, "stats_sinks", "wasmesh serves its stats at the admin endpoint only");
        notice(root, "stats_flush_interval", "wasmesh serves its stats at the admin endpoint only");
        notice(root, "stats_flush_on_admin", "wasmesh serves its stats at the admin endpoint only");
        notice(root, "layered_runtime", "wasmesh has no runtime; its behaviour is Envoy's defaults");
        notice(root, "watchdog", "wasmesh has no watchdog of its event loops");
        notice(root, "watchdogs", "wasmesh has no watchdog of its event loops");
        notice(root, "enable_dispatcher_stats", "wasmesh keeps no event loop stats");
        notice(root, "stats_server_version_override", "wasmesh has no server.version stat");
        notice(root, "application_log_config", "wasmesh's own log lines have one format");
        notice(root, "fatal_actions", "wasmesh runs no fatal actions");
        root.done();
    }

    /**
     * The connection manager's access loggers: file and stream loggers are noticed (wasmesh writes one access log,
     * in Envoy's default format, to stdout); a wasm access logger runs filter code, so it is refused.
     */
    private void accessLogs(Node hcm) throws EnvoyConfigException {
        for (Node log : hcm.objects("access_log")) {
            log.accept("name", "filter");
            if (log.has("typed_config")) {
                Typed t = typed(log, "typed_config");
                if (t.type().equals("envoy.extensions.access_loggers.wasm.v3.WasmAccessLog")) {
                    throw new EnvoyConfigException(
                            log.child("typed_config") + ": wasm access loggers are not run by wasmesh");
                }
                t.body()
                        .accept(t.body().map().keySet().stream()
                                .map(String::valueOf)
                                .toArray(String[]::new));
            }
            log.done();
            config.notices()
                    .add(log.path() + ": accepted and not used (wasmesh writes one access log, in Envoy's"
                            + " default format, to stdout)");
        }
    }

    /**
     * A bootstrap extension: wasmesh runs wasm services ({@code envoy.extensions.wasm.v3.WasmService}, singleton on
     * the main thread or one per worker), picked by type as Envoy picks them.
     */
    private void bootstrapExtension(Node ext) throws EnvoyConfigException {
        String name = ext.string("name", "envoy.bootstrap.wasm");
        Typed typed = typed(ext, "typed_config");
        if (!typed.type().equals(WASM_SERVICE_TYPE)) {
            throw new EnvoyConfigException(ext.child("typed_config")
                    + ": wasmesh runs wasm services as bootstrap extensions, not " + typed.type());
        }
        Node tc = typed.body();
        tc.accept("@type");
        boolean singleton = tc.bool("singleton", false);
        config.addService(new WasmServiceConfig(wasm(tc.object("config"), name), singleton));
        tc.done();
        ext.done();
    }

    /** Accepts {@code key} if present, with a notice that it changes nothing here. */
    private void notice(Node n, String key, String why) {
        if (n.has(key)) {
            n.accept(key);
            config.notices().add(n.child(key) + ": accepted and not used (" + why + ")");
        }
    }

    private static NodeInfo node(Node node) throws EnvoyConfigException {
        String id = node.string("id", "");
        String cluster = node.string("cluster", "");
        Map<?, ?> metadata = node.has("metadata") ? node.object("metadata").map() : Map.of();
        String region = "";
        String zone = "";
        String subZone = "";
        Node locality = node.optObject("locality");
        if (locality != null) {
            region = locality.string("region", "");
            zone = locality.string("zone", "");
            subZone = locality.string("sub_zone", "");
            locality.done();
        }
        node.done();
        try {
            return new NodeInfo(id, cluster, Metadata.struct(metadata), region, zone, subZone);
        } catch (IllegalArgumentException e) {
            throw node.error("metadata", e.getMessage());
        }
    }

    /** Envoy's stats_config: the tags of stats_tags, and whether Envoy's default tag extraction applies too. */
    private void statsConfig(Node stats) throws EnvoyConfigException {
        config.useAllDefaultTags(stats.bool("use_all_default_tags", true));
        for (Node t : stats.objects("stats_tags")) {
            String name = t.requireString("tag_name");
            String regex = t.string("regex", null);
            String fixed = t.string("fixed_value", null);
            if ((regex == null) == (fixed == null)) {
                throw new EnvoyConfigException(t.path() + ": needs exactly one of regex and fixed_value");
            }
            if (fixed != null) {
                config.statsTags().add(StatsTag.fixed(name, fixed));
            } else {
                try {
                    config.statsTags().add(StatsTag.regex(name, regex));
                } catch (PatternSyntaxException e) {
                    throw t.error("regex", "not a valid regex: " + e.getDescription());
                }
            }
            t.done();
        }
        stats.done();
    }

    /** A {@code metadata} field (config.core.v3.Metadata): its filter_metadata. */
    private static Metadata metadata(Node parent) throws EnvoyConfigException {
        Node md = parent.optObject("metadata");
        if (md == null) {
            return Metadata.EMPTY;
        }
        Node fm = md.optObject("filter_metadata");
        md.done();
        if (fm == null) {
            return Metadata.EMPTY;
        }
        Map<String, Map<?, ?>> namespaces = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : fm.map().entrySet()) {
            String ns = String.valueOf(e.getKey());
            namespaces.put(ns, Node.of(e.getValue(), fm.child(ns)).map());
            fm.accept(ns);
        }
        try {
            return Metadata.of(namespaces);
        } catch (IllegalArgumentException e) {
            throw new EnvoyConfigException(fm.path() + ": " + e.getMessage());
        }
    }

    /** An extension's typed_config: its type's full name, and its fields (a TypedStruct's {@code value}). */
    private record Typed(String type, Node body) {}

    private static Typed typed(Node parent, String key) throws EnvoyConfigException {
        Node any = parent.object(key);
        String type = typeName(any.requireString("@type"));
        if (!TYPED_STRUCTS.contains(type)) {
            return new Typed(type, any);
        }
        String inner = typeName(any.requireString("type_url"));
        Object value = any.raw("value");
        any.done();
        return new Typed(inner, Node.of(value == null ? Map.of() : value, any.child("value")));
    }

    /** Whether there is a typed_config with a type: Envoy looks an empty one ({@code typed_config: {}}) up by name. */
    private static boolean hasType(Node parent) {
        return parent.raw("typed_config") instanceof Map<?, ?> m && !m.isEmpty();
    }

    /** A type URL's message name: what follows its last '/', as protobuf reads an Any. */
    private static String typeName(String typeUrl) {
        return typeUrl.substring(typeUrl.lastIndexOf('/') + 1);
    }

    private static Endpoint socketAddress(Node address) throws EnvoyConfigException {
        Node sa = address.object("socket_address");
        String protocol = sa.string("protocol", "TCP");
        if (!protocol.equals("TCP")) {
            throw sa.error("protocol", "only TCP is supported");
        }
        Endpoint ep = new Endpoint(sa.requireString("address"), (int) sa.integer("port_value", 0));
        sa.done();
        address.done();
        return ep;
    }

    /** The listener being read: its routes and wasm filters. */
    private List<RouteConfig> routes;

    private List<FilterConfig> wasmFilters;

    /** Whether a network filter is the TCP proxy: by its typed_config's type, or by name without one. */
    private static boolean isTcpProxy(Node f) throws EnvoyConfigException {
        if (hasType(f)) {
            Object any = f.raw("typed_config");
            Object type = any instanceof Map<?, ?> m ? m.get("@type") : null;
            return type instanceof String t && typeName(t).equals(TCP_PROXY_TYPE);
        }
        String name = f.string("name", "");
        return name.equals(TCP_PROXY) || name.equals("envoy.tcp_proxy");
    }

    /**
     * A TCP listener: network wasm filters ({@code envoy.extensions.filters.network.wasm.v3.Wasm}), then the TCP
     * proxy to a cluster, as Envoy runs them.
     */
    private void tcpListener(Node l, Node chain, List<Node> filters, Endpoint listen) throws EnvoyConfigException {
        if (chain.has("transport_socket")) {
            throw chain.error("transport_socket", "TLS on TCP listeners is not supported by wasmesh");
        }
        chain.done();
        List<FilterConfig> network = new ArrayList<>();
        for (Node f : filters.subList(0, filters.size() - 1)) {
            String name = f.requireString("name");
            if (!hasType(f)) {
                throw f.error("typed_config", "required for " + name + " (wasmesh runs network wasm filters)");
            }
            Typed typed = typed(f, "typed_config");
            if (!typed.type().equals(NETWORK_WASM_TYPE)) {
                throw new EnvoyConfigException(f.child("typed_config")
                        + ": before the TCP proxy wasmesh runs network wasm filters, not " + typed.type());
            }
            Node tc = typed.body();
            tc.accept("@type");
            network.add(wasm(tc.object("config"), name));
            tc.done();
            f.done();
        }
        Node proxy = filters.get(filters.size() - 1);
        proxy.accept("name");
        Node tc = typed(proxy, "typed_config").body();
        tc.accept("@type");
        String statPrefix = tc.requireString("stat_prefix");
        String cluster = tc.requireString("cluster");
        tc.done();
        proxy.done();
        if (!config.clusters().containsKey(cluster)) {
            throw tc.error(
                    "cluster", "names cluster '" + cluster + "', which static_resources.clusters does not define");
        }
        l.accept("per_connection_buffer_limit_bytes", "metadata", "traffic_direction");
        l.done();
        config.addTcpListener(new TcpProxyConfig(listen, network, cluster, statPrefix));
    }

    /** An HTTP listener's configuration, or null for a TCP listener (added to the config directly). */
    private ListenerConfig listener(Node l) throws EnvoyConfigException {
        routes = new ArrayList<>();
        wasmFilters = new ArrayList<>();
        String listenerName = l.string("name", "");
        Endpoint listen = socketAddress(l.object("address"));
        long bufferLimit = l.integer("per_connection_buffer_limit_bytes", Limits.DEFAULT.bufferLimitBytes());
        Metadata listenerMetadata = metadata(l);
        String direction = l.enumName("traffic_direction", "UNSPECIFIED");
        int directionCode = List.of("UNSPECIFIED", "INBOUND", "OUTBOUND").indexOf(direction);
        if (directionCode < 0) {
            throw l.error("traffic_direction", "expected UNSPECIFIED, INBOUND or OUTBOUND, got " + direction);
        }
        List<Node> chains = l.objects("filter_chains");
        if (chains.size() != 1) {
            throw l.error("filter_chains", "wasmesh runs exactly one filter chain, found " + chains.size());
        }
        Node chain = chains.get(0);
        ListenerInfo info = new ListenerInfo(listenerMetadata, chain.string("name", ""), directionCode);
        List<Node> filters = chain.objects("filters");
        if (!filters.isEmpty() && isTcpProxy(filters.get(filters.size() - 1))) {
            tcpListener(l, chain, filters, listen);
            return null;
        }
        if (filters.size() != 1) {
            throw chain.error(
                    "filters",
                    "wasmesh runs one " + HCM + ", or network wasm filters then " + TCP_PROXY + ", found "
                            + filters.size() + " filters");
        }
        DownstreamTls listenerTls = tls.downstream(chain);
        chain.done();
        Node f = filters.get(0);
        String name = f.requireString("name");
        if (!hasType(f)) {
            if (name.equals(HCM) || name.equals(LEGACY_HCM)) {
                throw f.error("typed_config", "required: the HttpConnectionManager's stat_prefix and route_config");
            }
            throw f.error("name", "wasmesh runs only " + HCM + ", not " + name);
        }
        Typed typed = typed(f, "typed_config");
        if (!typed.type().equals(HCM_TYPE)) {
            throw new EnvoyConfigException(
                    f.child("typed_config") + ": wasmesh runs only " + HCM_TYPE + ", not " + typed.type());
        }
        Node hcm = typed.body();
        hcm.accept("@type");
        f.done();
        String statPrefix = hcm.requireString("stat_prefix");
        String codec = hcm.enumName("codec_type", "AUTO");
        if (!List.of("AUTO", "HTTP1", "HTTP2").contains(codec)) {
            throw hcm.error("codec_type", "expected AUTO, HTTP1 or HTTP2 (HTTP/3 is not supported)");
        }
        Limits d = Limits.DEFAULT;
        int headersKb = (int) hcm.integer("max_request_headers_kb", d.maxRequestHeadersBytes() / 1024);
        Limits limits = d.withMaxRequestHeadersBytes(headersKb * 1024)
                .withBufferLimitBytes(bufferLimit)
                .withRequestHeadersTimeout(hcm.duration("request_headers_timeout", d.requestHeadersTimeout()))
                .withRequestTimeout(hcm.duration("request_timeout", d.requestTimeout()))
                .withStreamIdleTimeout(hcm.duration("stream_idle_timeout", d.streamIdleTimeout()));
        Node common = hcm.optObject("common_http_protocol_options");
        if (common != null) {
            limits = limits.withIdleTimeout(common.duration("idle_timeout", d.idleTimeout()));
            common.done();
        }
        routeConfig(hcm.object("route_config"));
        accessLogs(hcm);
        List<Node> httpFilters = hcm.objects("http_filters");
        boolean routerLast = false;
        for (Node hf : httpFilters) {
            if (routerLast) {
                throw new EnvoyConfigException(hf.path() + ": the router must be the last http filter");
            }
            routerLast = httpFilter(hf);
        }
        if (!routerLast) {
            throw hcm.error("http_filters", "must end with envoy.filters.http.router");
        }
        hcm.done();
        l.done();
        return new ListenerConfig(listenerName, listen, statPrefix, limits, wasmFilters, routes, info, listenerTls);
    }

    private void routeConfig(Node rc) throws EnvoyConfigException {
        rc.accept("name");
        for (Node vh : rc.objects("virtual_hosts")) {
            String vhName = vh.string("name", "");
            Metadata vhMetadata = metadata(vh);
            List<String> domains =
                    vh.strings("domains").stream().map(EnvoyConfigLoader::wire).toList();
            if (domains.isEmpty()) {
                throw vh.error("domains", "required");
            }
            for (Node r : vh.objects("routes")) {
                routes.add(route(r, domains, vhName, vhMetadata));
            }
            vh.done();
        }
        rc.done();
    }

    private RouteConfig route(Node r, List<String> domains, String vhName, Metadata vhMetadata)
            throws EnvoyConfigException {
        String name = r.string("name", "");
        Node match = r.object("match");
        String prefix = match.string("prefix", null);
        String path = match.string("path", null);
        if (prefix == null && path == null) {
            throw new EnvoyConfigException(match.path() + ": needs prefix or path (the match kinds wasmesh supports)");
        }
        List<RouteConfig.HeaderMatch> headers = new ArrayList<>();
        for (Node h : match.objects("headers")) {
            headers.add(headerMatch(h));
        }
        match.done();
        Metadata metadata = metadata(r);
        String cluster = "";
        Duration timeout = RouteConfig.DEFAULT_TIMEOUT;
        RouteConfig.DirectResponse direct = null;
        if (r.has("direct_response")) {
            direct = directResponse(r.object("direct_response"));
        } else {
            Node action = r.object("route");
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
    private static RouteConfig.DirectResponse directResponse(Node d) throws EnvoyConfigException {
        long status = d.integer("status", -1);
        if (status < 200 || status > 599) {
            throw d.error("status", "required, from 200 to 599 (as Envoy)");
        }
        String body = "";
        Node b = d.optObject("body");
        if (b != null) {
            body = b.requireString("inline_string");
            b.done();
        }
        d.done();
        return new RouteConfig.DirectResponse((int) status, body);
    }

    /** Config text as the byte string a request carries it in (UTF-8), for matching header values and paths. */
    private static String wire(String text) {
        return text == null ? null : HeaderMap.utf8(text);
    }

    private static RouteConfig.HeaderMatch headerMatch(Node h) throws EnvoyConfigException {
        String name = h.requireString("name");
        boolean invert = h.bool("invert_match", false);
        String exact = h.string("exact_match", null);
        String prefix = h.string("prefix_match", null);
        boolean present = h.bool("present_match", false);
        Node sm = h.optObject("string_match");
        if (sm != null) {
            exact = sm.string("exact", exact);
            prefix = sm.string("prefix", prefix);
            sm.done();
        }
        if (exact == null && prefix == null && !present) {
            throw new EnvoyConfigException(
                    h.path() + ": needs exact_match, prefix_match, present_match or " + "string_match.{exact|prefix}");
        }
        h.done();
        return new RouteConfig.HeaderMatch(HeaderMap.lowerAscii(wire(name)), wire(exact), wire(prefix), invert);
    }

    /**
     * One http filter, picked by its typed_config's type (by name only without one: the router's names, the
     * current and the legacy {@code envoy.router}). A disabled filter is left out, as Envoy leaves it out of the
     * chain unless a route enables it, and an optional one of a type wasmesh does not run is skipped with a notice.
     *
     * @return whether it is the router
     */
    private boolean httpFilter(Node f) throws EnvoyConfigException {
        String name = f.requireString("name");
        boolean disabled = f.bool("disabled", false);
        boolean optional = f.bool("is_optional", false);
        if (!hasType(f)) {
            f.accept("typed_config");
            f.done();
            if (name.equals("envoy.filters.http.router") || name.equals("envoy.router")) {
                return true;
            }
            throw f.error("typed_config", "required for " + name + " (wasmesh runs wasm and router http filters)");
        }
        Typed typed = typed(f, "typed_config");
        Node tc = typed.body();
        tc.accept("@type");
        boolean router = false;
        if (typed.type().equals(ROUTER_TYPE)) {
            tc.done();
            router = true;
        } else if (typed.type().equals(WASM_TYPE)) {
            FilterConfig wasm = wasm(tc.object("config"), name);
            tc.done();
            if (!disabled) {
                wasmFilters.add(wasm);
            }
        } else if (optional) {
            tc.accept(tc.map().keySet().stream().map(String::valueOf).toArray(String[]::new));
            config.notices()
                    .add(f.path() + ": optional filter " + name + " of type " + typed.type()
                            + " skipped (wasmesh runs wasm and router http filters)");
        } else {
            throw new EnvoyConfigException(
                    f.child("typed_config") + ": wasmesh runs wasm and router http filters, not " + typed.type());
        }
        f.done();
        return router;
    }

    private FilterConfig wasm(Node c, String filterName) throws EnvoyConfigException {
        PluginConfig.Builder b = PluginConfig.builder().logLevel(logLevel);
        b.name(c.string("name", filterName));
        b.rootId(c.string("root_id", ""));
        b.pluginConfiguration(any(c, "configuration"));
        boolean failOpen = c.bool("fail_open", false);
        String policy = c.string("failure_policy", null);
        b.failurePolicy(
                policy != null && !policy.equals("UNSPECIFIED")
                        ? parsePolicy(c, policy)
                        : failOpen ? FailurePolicy.FAIL_OPEN : FailurePolicy.FAIL_CLOSED);
        Node vm = c.object("vm_config");
        b.vmId(vm.string("vm_id", ""));
        vm.requireString("runtime"); // any runtime name: wasmesh always runs the module on Chicory
        notice(vm, "allow_precompiled", "wasmesh compiles each module itself and keeps it in its code cache");
        if (c.bool("allow_on_headers_stop_iteration", false)) {
            throw c.error(
                    "allow_on_headers_stop_iteration",
                    "not supported: wasmesh turns StopIteration from a headers callback into"
                            + " StopAllIterationAndWatermark, as Envoy does by default");
        }
        b.vmConfiguration(any(vm, "configuration"));
        Node envVars = vm.optObject("environment_variables");
        if (envVars != null) {
            Map<String, String> env = new LinkedHashMap<>();
            for (String key : envVars.strings("host_env_keys")) {
                String v = System.getenv(key);
                if (v != null) {
                    env.put(key, v);
                }
            }
            Node kv = envVars.optObject("key_values");
            if (kv != null) {
                for (Map.Entry<?, ?> e : kv.map().entrySet()) {
                    env.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
                    kv.accept(String.valueOf(e.getKey()));
                }
                kv.done();
            }
            envVars.done();
            b.environment(env);
        }
        FilterConfig fc = code(vm.object("code"), b.build());
        vm.done();
        c.done();
        return fc;
    }

    private static FailurePolicy parsePolicy(Node c, String policy) throws EnvoyConfigException {
        try {
            return FailurePolicy.parse(policy);
        } catch (IllegalArgumentException e) {
            throw c.error("failure_policy", e.getMessage());
        }
    }

    private FilterConfig code(Node code, PluginConfig plugin) throws EnvoyConfigException {
        Node local = code.optObject("local");
        if (local == null) {
            throw new EnvoyConfigException(code.path() + ": only code.local is supported (remote code: use "
                    + "wasmesh run with an http(s):// or oci:// FILTER)");
        }
        code.done();
        String file = local.string("filename", null);
        String inlineBytes = local.string("inline_bytes", null);
        String inlineString = local.string("inline_string", null);
        local.done();
        if (file != null) {
            Path p = Path.of(file);
            return FilterConfig.at((p.isAbsolute() ? p : baseDir.resolve(p)).toString(), null, plugin);
        }
        if (inlineBytes != null) {
            try {
                return FilterConfig.inline(
                        local.path() + ".inline_bytes", Base64.getDecoder().decode(inlineBytes), plugin);
            } catch (IllegalArgumentException e) {
                throw new EnvoyConfigException(local.child("inline_bytes") + ": not valid base64");
            }
        }
        if (inlineString != null) {
            return FilterConfig.inline(
                    local.path() + ".inline_string", inlineString.getBytes(StandardCharsets.ISO_8859_1), plugin);
        }
        throw new EnvoyConfigException(local.path() + ": needs filename, inline_bytes or inline_string");
    }

    /**
     * An {@code Any} configuration: StringValue's {@code value} as is, BytesValue's decoded, a Struct in its
     * protobuf encoding (as Envoy); other message types are handed over as the JSON of their fields (Envoy would
     * hand over their protobuf encoding).
     */
    private static byte[] any(Node parent, String key) throws EnvoyConfigException {
        Object raw = parent.raw(key);
        if (raw == null) {
            return new byte[0];
        }
        if (raw instanceof String) {
            throw parent.error(key, "expected an Any such as {\"@type\": \"" + STRING_VALUE + "\", value: ...}");
        }
        Node any = Node.of(raw, parent.child(key));
        String type = any.requireString("@type");
        if (type.equals(STRING_VALUE) || type.equals(BYTES_VALUE)) {
            String value = any.string("value", "");
            any.done();
            if (type.equals(STRING_VALUE)) {
                return value.getBytes(StandardCharsets.UTF_8);
            }
            try {
                return Base64.getDecoder().decode(value);
            } catch (IllegalArgumentException e) {
                throw any.error("value", "not valid base64");
            }
        }
        if (typeName(type).equals("google.protobuf.Struct")) {
            // A Struct's JSON form is its fields under "value"; Envoy hands over its protobuf encoding.
            Object value = any.raw("value");
            any.done();
            try {
                return Metadata.structBytes(
                        value == null
                                ? Map.of()
                                : Node.of(value, any.child("value")).map());
            } catch (IllegalArgumentException e) {
                throw any.error("value", e.getMessage());
            }
        }
        Map<Object, Object> fields = new LinkedHashMap<>(any.map());
        fields.remove("@type");
        return json(fields).getBytes(StandardCharsets.UTF_8);
    }

    private static ClusterConfig cluster(Node c, TlsContexts tls) throws EnvoyConfigException {
        String name = c.requireString("name");
        String type = c.enumName("type", "STATIC");
        if (!List.of("STATIC", "STRICT_DNS", "LOGICAL_DNS").contains(type)) {
            throw c.error("type", "wasmesh supports STATIC, STRICT_DNS and LOGICAL_DNS clusters, not " + type);
        }
        String lb = c.enumName("lb_policy", "ROUND_ROBIN");
        if (!lb.equals("ROUND_ROBIN")) {
            throw c.error("lb_policy", "only ROUND_ROBIN is supported");
        }
        c.accept("dns_lookup_family");
        Metadata metadata = metadata(c);
        Duration connectTimeout = c.duration("connect_timeout", ClusterConfig.DEFAULT_CONNECT_TIMEOUT);
        Node la = c.object("load_assignment");
        la.accept("cluster_name");
        List<Endpoint> endpoints = new ArrayList<>();
        Map<Endpoint, Metadata> endpointMetadata = new LinkedHashMap<>();
        for (Node group : la.objects("endpoints")) {
            for (Node lbe : group.objects("lb_endpoints")) {
                Node ep = lbe.object("endpoint");
                Endpoint endpoint = socketAddress(ep.object("address"));
                endpoints.add(endpoint);
                Metadata md = metadata(lbe);
                if (!md.isEmpty()) {
                    endpointMetadata.put(endpoint, md);
                }
                ep.done();
                lbe.done();
            }
            group.done();
        }
        la.done();
        Node h2 = c.optObject("http2_protocol_options");
        if (h2 != null) {
            h2.done(); // gRPC call-outs always speak h2c; the router speaks HTTP/1.1 to every cluster
        }
        Node protocolOptions = c.optObject("typed_extension_protocol_options");
        if (protocolOptions != null) {
            Node hpo = protocolOptions.object(HTTP_OPTIONS);
            hpo.expectType("type.googleapis.com/" + HTTP_OPTIONS);
            Node explicit = hpo.object("explicit_http_config");
            Node h2opts = explicit.optObject("http2_protocol_options");
            Node h1opts = explicit.optObject("http_protocol_options");
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
        UpstreamTls upstreamTls = tls.upstream(c);
        c.done();
        try {
            return new ClusterConfig(name, endpoints, connectTimeout, metadata, endpointMetadata, upstreamTls);
        } catch (IllegalArgumentException e) {
            throw c.error("load_assignment", e.getMessage());
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }
}
