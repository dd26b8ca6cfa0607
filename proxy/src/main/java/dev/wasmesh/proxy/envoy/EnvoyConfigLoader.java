package dev.wasmesh.proxy.envoy;

import dev.wasmesh.host.FailurePolicy;
import dev.wasmesh.host.HeaderMap;
import dev.wasmesh.host.PluginConfig;
import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.proxy.ClusterConfig;
import dev.wasmesh.proxy.Endpoint;
import dev.wasmesh.proxy.FilterConfig;
import dev.wasmesh.proxy.Limits;
import dev.wasmesh.proxy.ProxyConfig;
import dev.wasmesh.proxy.RouteConfig;
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
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads Envoy's v3 static bootstrap (YAML or JSON): one listener with an http_connection_manager (routes by
 * prefix, path and headers; wasm and router http_filters), its clusters and the admin address. Strict: a field
 * wasmesh does not run is an error naming its path.
 */
public final class EnvoyConfigLoader {
    static final String HCM = "envoy.filters.network.http_connection_manager";
    static final String HCM_TYPE =
            "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
    static final String WASM_TYPE = "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm";
    static final String ROUTER_TYPE = "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router";
    static final String STRING_VALUE = "type.googleapis.com/google.protobuf.StringValue";
    static final String BYTES_VALUE = "type.googleapis.com/google.protobuf.BytesValue";
    static final String HTTP_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

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
        if (listeners.size() != 1) {
            throw statics.error("listeners", "wasmesh runs exactly one listener, found " + listeners.size());
        }
        for (Node c : statics.objects("clusters")) {
            config.addCluster(cluster(c, tls));
        }
        statics.done();
        listener(listeners.get(0));
        Node admin = root.optObject("admin");
        if (admin != null) {
            config.admin(socketAddress(admin.object("address")));
            admin.done();
        } else {
            config.admin(null);
        }
        Node node = root.optObject("node");
        if (node != null) {
            node.accept("id", "cluster");
            node.done();
        }
        root.done();
        for (RouteConfig r : config.routes()) {
            if (!config.clusters().containsKey(r.cluster())) {
                throw new EnvoyConfigException("route '" + r.name() + "' names cluster '" + r.cluster()
                        + "', which static_resources.clusters does not define");
            }
        }
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

    private void listener(Node l) throws EnvoyConfigException {
        l.accept("name");
        config.listen(socketAddress(l.object("address")));
        long bufferLimit = l.integer("per_connection_buffer_limit_bytes", Limits.DEFAULT.bufferLimitBytes());
        List<Node> chains = l.objects("filter_chains");
        if (chains.size() != 1) {
            throw l.error("filter_chains", "wasmesh runs exactly one filter chain, found " + chains.size());
        }
        Node chain = chains.get(0);
        List<Node> filters = chain.objects("filters");
        if (filters.size() != 1) {
            throw chain.error(
                    "filters", "wasmesh runs exactly one network filter (" + HCM + "), found " + filters.size());
        }
        config.listenerTls(tls.downstream(chain));
        chain.done();
        Node f = filters.get(0);
        String name = f.requireString("name");
        if (!name.equals(HCM)) {
            throw f.error("name", "only " + HCM + " is supported, not " + name);
        }
        Node hcm = f.object("typed_config");
        f.done();
        hcm.expectType(HCM_TYPE);
        config.statPrefix(hcm.requireString("stat_prefix"));
        String codec = hcm.string("codec_type", "AUTO");
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
        config.limits(limits);
        routeConfig(hcm.object("route_config"));
        List<Node> httpFilters = hcm.objects("http_filters");
        for (int i = 0; i < httpFilters.size(); i++) {
            httpFilter(httpFilters.get(i), i == httpFilters.size() - 1);
        }
        if (httpFilters.isEmpty()) {
            throw hcm.error("http_filters", "must end with envoy.filters.http.router");
        }
        hcm.done();
        l.done();
    }

    private void routeConfig(Node rc) throws EnvoyConfigException {
        rc.accept("name");
        for (Node vh : rc.objects("virtual_hosts")) {
            vh.accept("name");
            List<String> domains =
                    vh.strings("domains").stream().map(EnvoyConfigLoader::wire).toList();
            if (domains.isEmpty()) {
                throw vh.error("domains", "required");
            }
            for (Node r : vh.objects("routes")) {
                config.addRoute(route(r, domains));
            }
            vh.done();
        }
        rc.done();
    }

    private static RouteConfig route(Node r, List<String> domains) throws EnvoyConfigException {
        String name = r.string("name", r.path());
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
        Node action = r.object("route");
        String cluster = action.requireString("cluster");
        Duration timeout = action.duration("timeout", RouteConfig.DEFAULT_TIMEOUT);
        action.done();
        r.done();
        return new RouteConfig(name, domains, wire(prefix), wire(path), headers, cluster, timeout);
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

    private void httpFilter(Node f, boolean last) throws EnvoyConfigException {
        String name = f.requireString("name");
        Node tc = f.object("typed_config");
        String type = String.valueOf(tc.map().get("@type"));
        if (type.equals(ROUTER_TYPE)) {
            tc.expectType(ROUTER_TYPE);
            tc.done();
            if (!last) {
                throw new EnvoyConfigException(f.path() + ": the router must be the last http filter");
            }
        } else if (type.equals(WASM_TYPE)) {
            tc.expectType(WASM_TYPE);
            if (last) {
                throw new EnvoyConfigException(f.path() + ": the last http filter must be envoy.filters.http.router");
            }
            config.addFilter(wasm(tc.object("config"), name));
            tc.done();
        } else {
            throw new EnvoyConfigException(
                    tc.child("@type") + ": wasmesh runs wasm and router http filters, not " + type);
        }
        f.done();
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
     * An {@code Any} configuration: StringValue's {@code value} as is, BytesValue's decoded; other message types
     * are handed over as the JSON of their fields (Envoy would hand over their protobuf encoding).
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
        Map<Object, Object> fields = new LinkedHashMap<>(any.map());
        fields.remove("@type");
        return dev.wasmesh.proxy.Json.write(fields).getBytes(StandardCharsets.UTF_8);
    }

    private static ClusterConfig cluster(Node c, TlsContexts tls) throws EnvoyConfigException {
        String name = c.requireString("name");
        String type = c.string("type", "STATIC");
        if (!List.of("STATIC", "STRICT_DNS", "LOGICAL_DNS").contains(type)) {
            throw c.error("type", "wasmesh supports STATIC, STRICT_DNS and LOGICAL_DNS clusters, not " + type);
        }
        String lb = c.string("lb_policy", "ROUND_ROBIN");
        if (!lb.equals("ROUND_ROBIN")) {
            throw c.error("lb_policy", "only ROUND_ROBIN is supported");
        }
        c.accept("dns_lookup_family");
        Duration connectTimeout = c.duration("connect_timeout", ClusterConfig.DEFAULT_CONNECT_TIMEOUT);
        Node la = c.object("load_assignment");
        la.accept("cluster_name");
        List<Endpoint> endpoints = new ArrayList<>();
        for (Node group : la.objects("endpoints")) {
            for (Node lbe : group.objects("lb_endpoints")) {
                Node ep = lbe.object("endpoint");
                endpoints.add(socketAddress(ep.object("address")));
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
            return new ClusterConfig(name, endpoints, connectTimeout, upstreamTls);
        } catch (IllegalArgumentException e) {
            throw c.error("load_assignment", e.getMessage());
        }
    }
}
