package dev.wasmesh.proxy.cli;

import dev.wasmesh.host.FailurePolicy;
import dev.wasmesh.host.PluginConfig;
import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.proxy.ProxyServer;
import dev.wasmesh.proxy.StartupException;
import dev.wasmesh.proxy.config.ClusterConfig;
import dev.wasmesh.proxy.config.Endpoint;
import dev.wasmesh.proxy.config.FilterConfig;
import dev.wasmesh.proxy.config.ModuleSources;
import dev.wasmesh.proxy.config.ProxyConfig;
import dev.wasmesh.proxy.config.RouteConfig;
import dev.wasmesh.proxy.envoy.EnvoyConfigException;
import dev.wasmesh.proxy.envoy.EnvoyConfigLoader;
import dev.wasmesh.proxy.log.ProxyLog;
import dev.wasmesh.proxy.tls.DownstreamTls;
import dev.wasmesh.proxy.tls.TlsCertificate;
import dev.wasmesh.proxy.tls.TlsProvider;
import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code wasmesh run}: an Envoy-compatible HTTP proxy running proxy-wasm filters on real traffic. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Run an HTTP proxy with FILTER.wasm in the request path, as inside an Istio sidecar.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  wasmesh run filter.wasm                  # then: curl -si http://127.0.0.1:10000/",
            "  wasmesh run filter.wasm --upstream http://127.0.0.1:8080 --plugin-config @config.json --watch",
            "  wasmesh run filter.wasm --cluster auth=http://127.0.0.1:9000 --fail-strategy FAIL_OPEN",
            "  wasmesh run filter.wasm --upstream https://api.example.com --tls-cert cert.pem --tls-key key.pem",
            "  wasmesh run oci://localhost:5000/my-filter:v1",
            "  wasmesh run --config examples/envoy.yaml",
            "  wasmesh run filter.wasm --max-connections 10000   # timeouts: see docs/host-differences.md",
        })
public final class RunCommand implements Callable<Integer> {
    /** Options that describe the one filter of {@code run FILTER}; an Envoy config file says all of that itself. */
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)?");

    private static final List<String> FILTER_ONLY = List.of(
            "--upstream", "--root-id", "--vm-id", "--plugin-config", "--vm-config", "--fail-strategy", "--sha256");

    @Spec
    CommandSpec spec;

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "FILTER",
            description = "The filter: a path, an oci:// image or an http(s):// URL (with --sha256; plain http:// "
                    + "without it is run with a warning).")
    String filter;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Envoy v3 static bootstrap (YAML or JSON) with listeners, wasm filters, routes and clusters.")
    Path config;

    @Option(
            names = "--listen",
            paramLabel = "HOST:PORT",
            description = "Listener address (default 127.0.0.1:10000; with --config, replaces the file's).")
    String listen;

    @Option(
            names = "--upstream",
            paramLabel = "URL",
            description = "Where requests go, http:// or https:// (default: the built-in echo).")
    String upstream;

    @Option(names = "--root-id", paramLabel = "ID", defaultValue = "", description = "The plugin's root id.")
    String rootId;

    @Option(names = "--vm-id", paramLabel = "ID", defaultValue = "", description = "The VM id.")
    String vmId;

    @Option(names = "--plugin-config", paramLabel = "TEXT|@FILE", description = "Bytes handed to proxy_on_configure.")
    String pluginConfig;

    @Option(names = "--vm-config", paramLabel = "TEXT|@FILE", description = "Bytes handed to proxy_on_vm_start.")
    String vmConfig;

    @Option(
            names = "--cluster",
            paramLabel = "NAME=URL",
            description = "Repeatable: a cluster for HTTP call-outs and gRPC calls, e.g. backend=http://127.0.0.1:8081"
                    + " or auth=https://auth.internal:8443.")
    Map<String, String> clusters = new LinkedHashMap<>();

    @Option(
            names = "--fail-strategy",
            paramLabel = "POLICY",
            defaultValue = "FAIL_CLOSE",
            description = "FAIL_CLOSE (503), FAIL_OPEN (skip the filter) or FAIL_RELOAD (recreate the VM).")
    String failStrategy;

    @Option(
            names = "--callback-deadline",
            paramLabel = "DURATION",
            description = "How long one filter callback may run before it is interrupted and its VM fails, e.g. 1s,"
                    + " 250ms, 2m; 0 for none, as Envoy (default 1s). Large Go filters may need more while the JIT"
                    + " warms up.")
    String callbackDeadline;

    @Option(
            names = "--tls-cert",
            paramLabel = "FILE",
            description = "Serve TLS (ALPN h2 and http/1.1) with this PEM certificate chain; needs --tls-key. With"
                    + " --config, replaces the listener's TLS.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "The PEM (PKCS#8) private key of --tls-cert.")
    Path tlsKey;

    @Option(
            names = "--tls-client-ca",
            paramLabel = "FILE",
            description = "Require client certificates (mTLS) that chain to these PEM CA certificates.")
    Path tlsClientCa;

    @Option(
            names = "--upstream-ca",
            paramLabel = "FILE",
            description = "Trust these PEM CA certificates, instead of the system's, for https:// --upstream and"
                    + " --cluster URLs.")
    Path upstreamCa;

    @Option(names = "--workers", paramLabel = "N", description = "Worker threads (default: number of cores).")
    Integer workers;

    @Option(
            names = "--max-connections",
            paramLabel = "N",
            description = "Downstream connections open at once; more are closed as they arrive (default: no limit).")
    Integer maxConnections;

    @Option(
            names = "--admin",
            paramLabel = "HOST:PORT",
            description = "Admin address (default 127.0.0.1:9901; with --config, replaces the file's).")
    String admin;

    @Option(
            names = "--log-level",
            paramLabel = "LEVEL",
            defaultValue = "info",
            description = "trace, debug, info, warn, error or critical.")
    String logLevel;

    @Option(names = "--watch", description = "Reload the filter when its file changes.")
    boolean watch;

    @Option(
            names = "--sha256",
            paramLabel = "HEX",
            description = "Expected SHA-256: of the module for a path or "
                    + "an http(s):// URL, of the image manifest for oci:// (as Istio checks them).")
    String sha256;

    private final ModuleSources sources;
    private final PrintStream out;
    private final PrintStream err;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile ProxyServer server;

    public RunCommand() {
        this(new ModuleSources(), System.out, System.err);
    }

    /** @param sources where filters come from; register extra schemes (oci://) on it before running */
    public RunCommand(ModuleSources sources, PrintStream out, PrintStream err) {
        this.sources = sources;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws InterruptedException {
        // Netty's default leak detection records a stack trace for every 128th buffer, several per hundred requests
        // (seen with JFR under load). The in-process proxy tests keep Netty's default;
        // -Dio.netty.leakDetection.level=simple turns it back on here.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        ProxyConfig cfg;
        LogLevel level;
        try {
            level = LogLevel.parse(logLevel);
            cfg = buildConfig(level);
        } catch (IllegalArgumentException | IOException | EnvoyConfigException e) {
            err.println("wasmesh run: " + e.getMessage());
            return 2;
        }
        for (String notice : cfg.notices()) {
            err.println("wasmesh run: notice: " + notice);
        }
        ProxyLog log = new ProxyLog(level, out, err);
        boolean tls =
                cfg.listenerTls() != null || cfg.clusters().values().stream().anyMatch(c -> c.tls() != null);
        if (tls && TlsProvider.fallbackReason() != null) {
            err.println("wasmesh run: warning: BoringSSL did not load (" + TlsProvider.fallbackReason()
                    + "); TLS runs on the JDK's");
        }
        try {
            server = ProxyServer.start(cfg, sources, log);
        } catch (StartupException e) {
            err.println("wasmesh run: " + e.getMessage());
            return 1;
        }
        Thread hook = new Thread(
                () -> {
                    stop();
                    // A drained stop on SIGTERM is a normal end, as in Envoy: exit 0, not the JVM's 128 + signal.
                    Runtime.getRuntime().halt(0);
                },
                "wasmesh-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println(server.readyLine());
        out.flush();
        stopped.await();
        try {
            // Stopped in-process by stop(): the hook must not decide the JVM's exit status later.
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down, so the hook stopped the proxy and ends the process.
        }
        return 0;
    }

    /** Drains and stops a running proxy (what SIGTERM does). */
    public void stop() {
        ProxyServer s = server;
        if (s != null) {
            try {
                s.shutdown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        stopped.countDown();
    }

    /** The running proxy, once {@link #call} has started it. */
    public ProxyServer server() {
        return server;
    }

    ProxyConfig buildConfig(LogLevel level) throws IOException, EnvoyConfigException {
        ProxyConfig cfg;
        byte[] ca = upstreamCa == null ? null : TlsCertificate.read(upstreamCa);
        if (config != null) {
            if (filter != null) {
                throw new IllegalArgumentException("give either FILTER or --config, not both");
            }
            for (String option : FILTER_ONLY) {
                if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                    throw new IllegalArgumentException(option + " configures FILTER; with --config it comes from "
                            + config + " (the wasm filter's config and its clusters)");
                }
            }
            cfg = EnvoyConfigLoader.load(config, Path.of(""), level);
        } else {
            if (filter == null) {
                throw new IllegalArgumentException("missing FILTER (a .wasm file) or --config envoy.yaml");
            }
            cfg = new ProxyConfig();
            PluginConfig plugin = PluginConfig.builder()
                    .name(rootId.isEmpty() ? baseName(filter) : rootId)
                    .rootId(rootId)
                    .vmId(vmId)
                    .pluginConfiguration(bytes(pluginConfig, "--plugin-config"))
                    .vmConfiguration(bytes(vmConfig, "--vm-config"))
                    .failurePolicy(FailurePolicy.parse(failStrategy))
                    .logLevel(level)
                    .build();
            if (sha256 == null && filter.regionMatches(true, 0, "http://", 0, 7)) {
                // As istio-agent, which fetches http:// modules and checks a sha256 only if one is given: allowed,
                // but said once, since anyone on the network path can swap the code the proxy runs.
                err.println("wasmesh run: warning: " + filter + " is fetched over plain HTTP and not checked: anyone"
                        + " on the network path can replace the code; pin it with --sha256 HEX (sha256sum of the"
                        + " .wasm) or use https://");
            }
            cfg.addFilter(FilterConfig.at(filter, sha256, plugin));
            if (upstream != null) {
                cfg.addCluster(ClusterConfig.fromUrl(ProxyConfig.DEFAULT_CLUSTER, upstream, ca));
                cfg.addRoute(RouteConfig.catchAll(ProxyConfig.DEFAULT_CLUSTER));
            }
        }
        // With --config too, so that one envoy.yaml can run beside another copy of itself.
        if (listen != null) {
            cfg.listen(Endpoint.parse(listen));
        }
        if (admin != null) {
            cfg.admin(Endpoint.parse(admin));
        }
        for (Map.Entry<String, String> c : clusters.entrySet()) {
            cfg.addCluster(ClusterConfig.fromUrl(c.getKey(), c.getValue(), ca));
        }
        if (tlsCert != null || tlsKey != null) {
            if (tlsCert == null || tlsKey == null) {
                throw new IllegalArgumentException("--tls-cert and --tls-key go together");
            }
            cfg.listenerTls(new DownstreamTls(
                    TlsCertificate.files(tlsCert, tlsKey),
                    tlsClientCa == null ? null : TlsCertificate.read(tlsClientCa),
                    tlsClientCa != null,
                    DownstreamTls.DEFAULT_ALPN));
        } else if (tlsClientCa != null) {
            throw new IllegalArgumentException("--tls-client-ca needs --tls-cert and --tls-key");
        }
        if (workers != null) {
            cfg.workers(workers);
        }
        if (callbackDeadline != null) {
            Duration deadline = duration(callbackDeadline, "--callback-deadline");
            cfg.filters()
                    .replaceAll(f -> new FilterConfig(
                            f.location(),
                            f.inlineCode(),
                            f.sha256(),
                            f.plugin().toBuilder().callbackDeadline(deadline).build()));
        }
        if (maxConnections != null) {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("--max-connections must be at least 1, got " + maxConnections);
            }
            cfg.limits(cfg.limits().withMaxConnections(maxConnections));
        }
        return cfg.watch(watch).logLevel(level);
    }

    /** 250ms, 1s, 2m, or 0 (none). */
    static Duration duration(String text, String option) {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    option + " expects a duration such as 250ms, 1s or 2m, got '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2);
        if (n != 0 && unit.isEmpty()) {
            throw new IllegalArgumentException(option + " needs a unit (ms, s or m), got '" + text + "'");
        }
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofSeconds(n);
        };
    }

    private static String baseName(String location) {
        String name = location.replaceFirst("[?#].*$", "");
        name = name.substring(name.lastIndexOf('/') + 1);
        return name.endsWith(".wasm") ? name.substring(0, name.length() - 5) : name;
    }

    /** TEXT, or the contents of FILE for @FILE. */
    static byte[] bytes(String value, String option) throws IOException {
        if (value == null) {
            return new byte[0];
        }
        if (value.startsWith("@")) {
            try {
                return Files.readAllBytes(Path.of(value.substring(1)));
            } catch (NoSuchFileException e) {
                throw new IOException(option + ": no such file: " + value.substring(1), e);
            }
        }
        return value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
