package dev.wasmesh.proxy;

import dev.wasmesh.host.GuestMemoryBudget;
import dev.wasmesh.host.HostEnvironment;
import dev.wasmesh.host.WasmFailureException;
import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.host.module.ModuleLoadException;
import dev.wasmesh.proxy.admin.AdminServer;
import dev.wasmesh.proxy.admin.ConfigDump;
import dev.wasmesh.proxy.config.ClusterConfig;
import dev.wasmesh.proxy.config.Endpoint;
import dev.wasmesh.proxy.config.FilterConfig;
import dev.wasmesh.proxy.config.ListenerConfig;
import dev.wasmesh.proxy.config.ModuleSources;
import dev.wasmesh.proxy.config.ProxyConfig;
import dev.wasmesh.proxy.config.RouteConfig;
import dev.wasmesh.proxy.config.TcpProxyConfig;
import dev.wasmesh.proxy.config.WasmServiceConfig;
import dev.wasmesh.proxy.downstream.DownstreamInitializer;
import dev.wasmesh.proxy.downstream.Listener;
import dev.wasmesh.proxy.log.ProxyLog;
import dev.wasmesh.proxy.stats.Prometheus;
import dev.wasmesh.proxy.stats.ProxyStats;
import dev.wasmesh.proxy.tcp.TcpListener;
import dev.wasmesh.proxy.tls.TlsProvider;
import dev.wasmesh.proxy.transport.Transport;
import dev.wasmesh.proxy.upstream.ClusterTransport;
import dev.wasmesh.proxy.upstream.EchoServer;
import dev.wasmesh.proxy.wasm.FileWatcher;
import dev.wasmesh.proxy.wasm.FilterLoader;
import dev.wasmesh.proxy.wasm.LoadedFilter;
import dev.wasmesh.proxy.wasm.PluginHost;
import dev.wasmesh.proxy.wasm.WasmPlugins;
import dev.wasmesh.proxy.worker.Worker;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The proxy: a listener whose connections are spread over the workers (one event loop each, each with its own
 * VM per filter), the filter chain, routes and clusters, the admin endpoint, and optionally the built-in echo
 * upstream and a watcher that reloads changed filters.
 */
public final class ProxyServer implements AutoCloseable {
    /** How long an access-log line may wait in the buffer before it reaches stdout. */
    private static final long ACCESS_LOG_FLUSH_MILLIS = 100;

    private final ProxyConfig config;
    private final FilterLoader loader;
    private final ProxyLog log;
    private final ProxyStats stats = new ProxyStats();
    private final Prometheus prometheus;
    private final HostEnvironment env;
    private final PluginHost host;
    private final MultiThreadIoEventLoopGroup boss;
    private final MultiThreadIoEventLoopGroup workerGroup;
    private final List<Worker> workers = new ArrayList<>();
    private final Map<EventExecutor, Worker> byLoop = new IdentityHashMap<>();
    private final Map<String, ClusterConfig> clusters = new LinkedHashMap<>();
    /** The listeners, the first one from {@link ProxyConfig}'s own fields. */
    private final List<Listener> listeners = new ArrayList<>();
    /** Every open downstream connection, for the bytes they have queued (Envoy's downstream_cx_tx_bytes_buffered). */
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

    /** Where the singleton wasm services run, as Envoy's main thread (the acceptor's loop). */
    private final Worker mainThread;

    private volatile boolean draining;
    /** The listeners' filter chains and the per-worker wasm services, on VMs shared by key. */
    private volatile WasmPlugins plugins;

    private final List<TcpListener> tcpListeners = new ArrayList<>();
    /** The singleton wasm services, on the main thread; never reloaded. */
    private WasmPlugins singletons;

    private AdminServer admin;
    private EchoServer echo;
    private FileWatcher watcher;

    private ProxyServer(ProxyConfig config, FilterLoader loader, ProxyLog log) {
        this.config = config;
        this.loader = loader;
        this.log = log;
        this.prometheus = new Prometheus(config.statsTags(), config.useAllDefaultTags());
        this.env = new HostEnvironment()
                .logSink(log)
                .transport(new ClusterTransport(
                        Collections.unmodifiableMap(clusters),
                        () -> currentWorker().pool()))
                .node(config.node());
        this.host = new PluginHost(env, stats, log);
        stats.computedGauge(
                "http." + config.statPrefix() + ".downstream_cx_tx_bytes_buffered", this::bytesQueuedDownstream);
        stats.computedGauge("wasm.guest_memory_used_bytes", GuestMemoryBudget.PROCESS::used);
        stats.computedGauge("wasm.guest_memory_budget_bytes", GuestMemoryBudget.PROCESS::limit);
        log.proxy(LogLevel.DEBUG, "transport " + Transport.currentName());
        String wish = Transport.unavailableWish();
        if (wish != null) {
            log.proxy(LogLevel.WARN, wish);
        }
        this.boss = Transport.group(1);
        this.workerGroup = Transport.group(config.workers());
        for (EventExecutor e : workerGroup) {
            Worker w = new Worker(workers.size(), (EventLoop) e, stats, config.limits());
            workers.add(w);
            byLoop.put(e, w);
        }
        EventLoop main = (EventLoop) boss.next();
        this.mainThread = new Worker(-1, main, stats, config.limits());
        byLoop.put(main, mainThread);
    }

    /** Every plugin the configuration names: the HTTP listeners' chains, the TCP listeners', the wasm services. */
    private static List<FilterConfig> allFilters(ProxyConfig config) {
        List<FilterConfig> all = new ArrayList<>(config.filters());
        config.moreListeners().forEach(l -> all.addAll(l.filters()));
        config.tcpListeners().forEach(t -> all.addAll(t.filters()));
        config.services().forEach(s -> all.add(s.plugin()));
        return all;
    }

    /**
     * Loads and starts every filter on every worker, then binds the listener and the admin endpoint.
     *
     * @throws StartupException with a one-line reason; nothing is left running then
     */
    public static ProxyServer start(ProxyConfig config, ModuleSources sources, ProxyLog log)
            throws StartupException, InterruptedException {
        // The modules load on a thread of their own while the event loops and the echo start.
        FilterLoader loader = new FilterLoader(sources);
        loader.loadEarly(allFilters(config));
        ProxyServer s;
        try {
            s = new ProxyServer(config, loader, log);
        } catch (RuntimeException e) {
            loader.cancelEarly();
            throw e;
        }
        try {
            s.startUp();
            return s;
        } catch (StartupException | InterruptedException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void startUp() throws StartupException, InterruptedException {
        clusters.putAll(config.clusters());
        List<RouteConfig> firstRoutes = new ArrayList<>(config.routes());
        if (config.needsEchoUpstream()) {
            echo = EchoServer.start(new Endpoint("127.0.0.1", 0), boss);
            clusters.put(
                    ProxyConfig.DEFAULT_CLUSTER,
                    new ClusterConfig(
                            ProxyConfig.DEFAULT_CLUSTER,
                            List.of(echo.address()),
                            ClusterConfig.DEFAULT_CONNECT_TIMEOUT));
            firstRoutes.add(RouteConfig.catchAll(ProxyConfig.DEFAULT_CLUSTER));
        }
        List<ListenerConfig> all = new ArrayList<>();
        List<List<LoadedFilter>> chains = new ArrayList<>();
        all.add(new ListenerConfig(
                "",
                config.listen(),
                config.statPrefix(),
                config.limits(),
                config.filters(),
                firstRoutes,
                config.listenerInfo(),
                config.listenerTls()));
        all.addAll(config.moreListeners());
        for (ListenerConfig lc : all) {
            for (RouteConfig r : lc.routes()) {
                if (r.direct() == null && !clusters.containsKey(r.cluster())) {
                    throw new StartupException("route '" + r.name() + "' names unknown cluster '" + r.cluster() + "'");
                }
            }
            List<LoadedFilter> filters = new ArrayList<>();
            for (FilterConfig f : lc.filters()) {
                filters.add(loadForStart(f));
            }
            chains.add(filters);
            listeners.add(new Listener(
                    lc, lc.routes(), stats, Collections.unmodifiableMap(clusters), log::access, env.clock()));
        }
        List<List<LoadedFilter>> networkChains = new ArrayList<>();
        for (TcpProxyConfig t : config.tcpListeners()) {
            if (!clusters.containsKey(t.cluster())) {
                throw new StartupException(
                        "tcp_proxy '" + t.statPrefix() + "' names unknown cluster '" + t.cluster() + "'");
            }
            List<LoadedFilter> filters = new ArrayList<>();
            for (FilterConfig f : t.filters()) {
                filters.add(loadForStart(f));
            }
            networkChains.add(filters);
        }
        List<LoadedFilter> perWorker = new ArrayList<>();
        List<LoadedFilter> single = new ArrayList<>();
        for (WasmServiceConfig svc : config.services()) {
            (svc.singleton() ? single : perWorker).add(loadForStart(svc.plugin()));
        }
        try {
            plugins = WasmPlugins.start(chains, networkChains, perWorker, workers, host);
            for (int i = 0; i < listeners.size(); i++) {
                listeners.get(i).chain(plugins.chain(i));
            }
            singletons = WasmPlugins.start(List.of(), List.of(), single, List.of(mainThread), host);
        } catch (WasmFailureException e) {
            throw new StartupException("filter failed to start: " + e.getMessage(), e);
        }
        for (Listener l : listeners) {
            bind(l);
        }
        startTcpListeners();
        if (config.admin() != null) {
            try {
                admin = AdminServer.start(
                        config.admin(),
                        boss,
                        new AdminServer.Sources(
                                stats,
                                prometheus,
                                env.metrics(),
                                log,
                                () -> !draining,
                                () -> ConfigDump.of(config, listeners, clusters)));
            } catch (Exception e) {
                throw new StartupException("cannot listen on admin " + config.admin() + ": " + e.getMessage(), e);
            }
        }
        if (config.watch()) {
            List<FilterConfig> watched = new ArrayList<>();
            listeners.forEach(l -> watched.addAll(l.config().filters()));
            config.tcpListeners().forEach(t -> watched.addAll(t.filters()));
            watcher = FileWatcher.start(watched, this::reload);
        }
        boss.scheduleAtFixedRate(log::flush, ACCESS_LOG_FLUSH_MILLIS, ACCESS_LOG_FLUSH_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void bind(Listener l) throws StartupException, InterruptedException {
        Endpoint at = l.config().listen();
        try {
            l.bound(Transport.server(boss, workerGroup)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    // Netty 4.2's default (adaptive) allocator costs ~8% more CPU per proxied request (bench/load).
                    .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                    .childOption(
                            ChannelOption.WRITE_BUFFER_WATER_MARK,
                            new WriteBufferWaterMark(
                                    l.limits().writeLowWatermark(), l.limits().writeHighWatermark()))
                    .childHandler(new DownstreamInitializer(l, byLoop::get, connections, log))
                    .bind(at.host(), at.port())
                    .sync()
                    .channel());
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new StartupException("cannot listen on " + at + ": " + e.getMessage(), e);
        }
    }

    /** Each TCP listener's connections use the network filters of the generation current when they open. */
    private void startTcpListeners() throws StartupException {
        List<TcpProxyConfig> tcp = config.tcpListeners();
        for (int i = 0; i < tcp.size(); i++) {
            TcpProxyConfig t = tcp.get(i);
            int index = i;
            try {
                tcpListeners.add(TcpListener.start(
                        t,
                        clusters.get(t.cluster()),
                        stats,
                        config.limits(),
                        env.clock(),
                        loop -> plugins.networkInstances(byLoop.get(loop), index),
                        boss,
                        workerGroup));
            } catch (Exception e) {
                throw new StartupException("cannot listen on " + t.listen() + ": " + e.getMessage(), e);
            }
        }
    }

    private LoadedFilter loadForStart(FilterConfig f) throws StartupException {
        try {
            return loader.load(f);
        } catch (IOException | ModuleLoadException e) {
            throw new StartupException(e.getMessage(), e);
        }
    }

    /**
     * Reloads the filters read from {@code file}: a new generation of every listener's chain and the per-worker
     * services (VMs are shared across them, so they are rebuilt together); new streams use it if it starts, else
     * nothing changes.
     */
    void reload(Path file) {
        WasmPlugins current = plugins;
        try {
            WasmPlugins started = current.reload(file, loader);
            if (started == null) {
                return;
            }
            plugins = started;
            for (int i = 0; i < listeners.size(); i++) {
                listeners.get(i).chain(started.chain(i));
            }
            current.retire();
            stats.inc("wasmesh.filter_reloads");
            log.stdout("wasmesh: reloaded " + file + " (proxy-wasm ABI "
                    + started.loadedFrom(file).module().abiVersion() + ")");
        } catch (IOException | ModuleLoadException | RuntimeException e) {
            stats.inc("wasmesh.filter_reload_failures");
            log.stdout("wasmesh: reload of " + file + " failed, still serving the previous filter: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The line {@code run} prints when ready. */
    public String readyLine() {
        StringBuilder sb = new StringBuilder("wasmesh proxy ready: listening on ")
                .append(config.listenerTls() == null ? "http://" : "https://")
                .append(listenAddress());
        if (config.listenerTls() != null) {
            sb.append(" (TLS: ").append(TlsProvider.describe()).append(')');
        }
        if (admin != null) {
            sb.append(", admin http://").append(admin.address());
        }
        for (Listener l : listeners.subList(1, listeners.size())) {
            sb.append(", listener ")
                    .append(
                            l.config().name().isEmpty()
                                    ? "(unnamed)"
                                    : l.config().name())
                    .append(" on http://")
                    .append(l.address());
        }
        List<LoadedFilter> fs = listeners.get(0).chain().filters();
        if (fs.isEmpty()) {
            sb.append(", no filters");
        }
        for (LoadedFilter f : fs) {
            sb.append(", filter ")
                    .append(f.config().location())
                    .append(" (proxy-wasm ABI ")
                    .append(f.module().abiVersion())
                    .append(')');
        }
        for (TcpListener t : tcpListeners) {
            sb.append(", tcp ")
                    .append(t.address())
                    .append(" -> cluster ")
                    .append(t.config().cluster())
                    .append(" (")
                    .append(t.config().filters().size())
                    .append(" network filters)");
        }
        if (echo != null) {
            sb.append(", upstream built-in echo at http://").append(echo.address());
        }
        return sb.toString();
    }

    /** The first listener's bound address. */
    public Endpoint listenAddress() {
        return listeners.get(0).address();
    }

    /** The bound addresses of the TCP listeners, in configuration order. */
    public List<Endpoint> tcpListenAddresses() {
        return tcpListeners.stream().map(TcpListener::address).toList();
    }

    /** Every HTTP listener's bound address, in configuration order. */
    public List<Endpoint> listenAddresses() {
        return listeners.stream().map(Listener::address).toList();
    }

    /** The admin endpoint's bound address, or null if there is none. */
    public Endpoint adminAddress() {
        return admin == null ? null : admin.address();
    }

    /** The proxy's own stats, as the admin endpoint's {@code /stats} shows them. */
    public ProxyStats stats() {
        return stats;
    }

    /** Bytes written to downstream connections and not yet taken by their sockets. */
    private long bytesQueuedDownstream() {
        long n = 0;
        for (Channel ch : connections) {
            ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
            if (out != null) {
                n += out.totalPendingWriteBytes();
            }
        }
        return n;
    }

    /** The worker whose loop is running now (call-outs start on the calling VM's worker). */
    private Worker currentWorker() {
        for (Worker w : workers) {
            if (w.loop().inEventLoop()) {
                return w;
            }
        }
        return workers.get(0);
    }

    /** Graceful shutdown: stop accepting, let in-flight requests finish (up to the drain timeout), then stop. */
    public void shutdown() throws InterruptedException {
        draining = true;
        for (Listener l : listeners) {
            if (l.channel() != null) {
                l.channel().close().sync();
            }
        }
        tcpListeners.forEach(TcpListener::close);
        long deadline = System.nanoTime() + config.limits().drainTimeout().toNanos();
        while (activeRequests() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        close();
    }

    /** Requests in flight on all listeners (listeners with one stat prefix share their gauge). */
    private long activeRequests() {
        return listeners.stream()
                .map(l -> l.httpStat("downstream_rq_active"))
                .distinct()
                .mapToLong(stats::gaugeValue)
                .sum();
    }

    @Override
    public void close() {
        loader.cancelEarly();
        if (watcher != null) {
            watcher.close();
        }
        for (Listener l : listeners) {
            if (l.channel() != null) {
                l.channel().close().syncUninterruptibly();
            }
        }
        tcpListeners.forEach(TcpListener::close);
        if (admin != null) {
            admin.close();
        }
        if (echo != null) {
            echo.close();
        }
        if (plugins != null) {
            plugins.retire();
        }
        if (singletons != null) {
            singletons.retire();
        }
        workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        log.flush();
    }
}
