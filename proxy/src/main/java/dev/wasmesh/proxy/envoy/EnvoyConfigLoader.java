package dev.wasmesh.proxy.envoy;

import dev.wasmesh.config.ConfigException;
import dev.wasmesh.config.ConfigMap;
import dev.wasmesh.config.StrictYaml;
import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.host.stream.Metadata;
import dev.wasmesh.host.stream.NodeInfo;
import dev.wasmesh.proxy.config.ListenerConfig;
import dev.wasmesh.proxy.config.ProxyConfig;
import dev.wasmesh.proxy.config.StatsTag;
import dev.wasmesh.proxy.config.WasmServiceConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.PatternSyntaxException;

/**
 * Reads Envoy's v3 static bootstrap (YAML or JSON): listeners, each with an http_connection_manager (routes by
 * prefix, path and headers to a cluster or a direct response; wasm and router http_filters), its clusters, the
 * node, stats tags and the admin address. Extensions are picked as Envoy picks them: by the type of their
 * {@code typed_config} (inside a {@code TypedStruct} too), by name only without one. Strict: a field wasmesh does not
 * run is an error naming its file, line and path, except fields that cannot change what a request sees (access log
 * paths, stats sinks, runtime layers, ...), which are accepted with a notice ({@link ProxyConfig#notices}).
 *
 * <p>This class reads the bootstrap's top level; {@link ListenerReader} (with {@link RouteReader}), {@link
 * ClusterReader}, {@link WasmReader} and {@link TlsContexts} read its parts.
 */
public final class EnvoyConfigLoader {
    private final ReadContext ctx;
    private final TlsContexts tls;

    private EnvoyConfigLoader(Path baseDir, LogLevel logLevel) {
        this.ctx = new ReadContext(new ProxyConfig(), baseDir, logLevel);
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
        return parse(file.toString(), text, baseDir, logLevel);
    }

    /** Reads a bootstrap given as text; errors name the line and path of the field. */
    public static ProxyConfig parse(String text, Path baseDir, LogLevel logLevel) throws EnvoyConfigException {
        return parse("", text, baseDir, logLevel);
    }

    private static ProxyConfig parse(String source, String text, Path baseDir, LogLevel logLevel)
            throws EnvoyConfigException {
        try {
            ConfigMap root = StrictYaml.named(source)
                    .jsonSchema()
                    .unreadKeys("field not supported by wasmesh")
                    .readOne(text)
                    .asMap();
            EnvoyConfigLoader loader = new EnvoyConfigLoader(baseDir, logLevel);
            loader.bootstrap(root);
            return loader.ctx.config();
        } catch (ConfigException e) {
            throw new EnvoyConfigException(e);
        }
    }

    private void bootstrap(ConfigMap root) throws ConfigException {
        ProxyConfig config = ctx.config();
        ConfigMap statics = root.map("static_resources");
        List<ConfigMap> listeners = statics.maps("listeners");
        if (listeners.isEmpty()) {
            throw statics.error("listeners", "required: at least one listener");
        }
        for (ConfigMap c : statics.maps("clusters")) {
            config.addCluster(ClusterReader.cluster(c, tls));
        }
        statics.done();
        ListenerReader reader = new ListenerReader(ctx, tls);
        boolean first = true;
        for (ConfigMap ln : listeners) {
            ListenerConfig lc = reader.listener(ln);
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
                    "listeners",
                    "wasmesh needs at least one listener with an " + Extensions.HCM + " (HTTP) filter chain");
        }
        for (ConfigMap ext : root.maps("bootstrap_extensions")) {
            bootstrapExtension(ext);
        }
        ConfigMap admin = root.optMap("admin");
        if (admin != null) {
            config.admin(CoreFields.socketAddress(admin.map("address")));
            ctx.notice(admin, "access_log_path", "wasmesh keeps no admin access log");
            ctx.notice(admin, "access_log", "wasmesh keeps no admin access log");
            ctx.notice(admin, "profile_path", "wasmesh has no CPU profiler");
            admin.done();
        } else {
            config.admin(null);
        }
        ConfigMap node = root.optMap("node");
        if (node != null) {
            config.node(node(node));
        }
        ConfigMap stats = root.optMap("stats_config");
        if (stats != null) {
            statsConfig(stats);
        }
        ctx.notice(root, "stats_sinks", "wasmesh serves its stats at the admin endpoint only");
        ctx.notice(root, "stats_flush_interval", "wasmesh serves its stats at the admin endpoint only");
        ctx.notice(root, "stats_flush_on_admin", "wasmesh serves its stats at the admin endpoint only");
        ctx.notice(root, "layered_runtime", "wasmesh has no runtime; its behaviour is Envoy's defaults");
        ctx.notice(root, "watchdog", "wasmesh has no watchdog of its event loops");
        ctx.notice(root, "watchdogs", "wasmesh has no watchdog of its event loops");
        ctx.notice(root, "enable_dispatcher_stats", "wasmesh keeps no event loop stats");
        ctx.notice(root, "stats_server_version_override", "wasmesh has no server.version stat");
        ctx.notice(root, "application_log_config", "wasmesh's own log lines have one format");
        ctx.notice(root, "fatal_actions", "wasmesh runs no fatal actions");
        root.done();
    }

    /**
     * A bootstrap extension: wasmesh runs wasm services ({@code envoy.extensions.wasm.v3.WasmService}, singleton on
     * the main thread or one per worker), picked by type as Envoy picks them.
     */
    private void bootstrapExtension(ConfigMap ext) throws ConfigException {
        String name = ext.string("name", "envoy.bootstrap.wasm");
        Extensions.Typed typed = Extensions.typed(ext, "typed_config");
        if (!typed.type().equals(Extensions.WASM_SERVICE_TYPE)) {
            throw ext.error("typed_config", "wasmesh runs wasm services as bootstrap extensions, not " + typed.type());
        }
        ConfigMap tc = typed.body();
        tc.accept("@type");
        boolean singleton = tc.bool("singleton", false);
        ctx.config().addService(new WasmServiceConfig(new WasmReader(ctx).wasm(tc.map("config"), name), singleton));
        tc.done();
        ext.done();
    }

    private static NodeInfo node(ConfigMap node) throws ConfigException {
        String id = node.string("id", "");
        String cluster = node.string("cluster", "");
        Map<?, ?> metadata = node.has("metadata") ? node.map("metadata").toPlain() : Map.of();
        ConfigMap locality = node.mapOrEmpty("locality");
        String region = locality.string("region", "");
        String zone = locality.string("zone", "");
        String subZone = locality.string("sub_zone", "");
        locality.done();
        node.done();
        try {
            return new NodeInfo(id, cluster, Metadata.struct(metadata), region, zone, subZone);
        } catch (IllegalArgumentException e) {
            throw node.error("metadata", e.getMessage());
        }
    }

    /** Envoy's stats_config: the tags of stats_tags, and whether Envoy's default tag extraction applies too. */
    private void statsConfig(ConfigMap stats) throws ConfigException {
        ProxyConfig config = ctx.config();
        config.useAllDefaultTags(stats.bool("use_all_default_tags", true));
        for (ConfigMap t : stats.maps("stats_tags")) {
            String name = t.requireString("tag_name");
            String regex = t.string("regex", null);
            String fixed = t.string("fixed_value", null);
            if ((regex == null) == (fixed == null)) {
                throw t.error("needs exactly one of regex and fixed_value");
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
}
