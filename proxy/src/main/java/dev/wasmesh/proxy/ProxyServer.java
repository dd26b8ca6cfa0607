package dev.wasmesh.proxy;

import dev.wasmesh.host.GuestMemoryBudget;
import dev.wasmesh.host.HostEnvironment;
import dev.wasmesh.host.ModuleLoadException;
import dev.wasmesh.host.ProxyWasmModule;
import dev.wasmesh.host.WasmFailureException;
import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.proxy.tcp.TcpListener;
import dev.wasmesh.proxy.tcp.TcpProxyConfig;
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
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * The proxy: a listener whose connections are spread over the workers (one event loop each, each with its own
 * VM per filter), the filter chain, routes and clusters, the admin endpoint, and optionally the built-in echo
 * upstream and a watcher that reloads changed filters.
 */
public final class ProxyServer implements AutoCloseable {
    /** How long an access-log line may wait in the buffer before it reaches stdout. */
    private static final long ACCESS_LOG_FLUSH_MILLIS = 100;

    private final ProxyConfig config;
    private final ModuleSources sources;
    private final ProxyLog log;
    private final ProxyStats stats = new ProxyStats();
    private final HostEnvironment env;
    private final MultiThreadIoEventLoopGroup boss;
    private final MultiThreadIoEventLoopGroup workerGroup;
    private final List<Worker> workers = new ArrayList<>();
    private final Map<EventExecutor, Worker> byLoop = new IdentityHashMap<>();
    private final Map<String, ClusterConfig> clusters = new LinkedHashMap<>();
    /** Stats counted per request, looked up once: index 1-5 for downstream_rq_1xx ... 5xx. */
    private final LongAdder[] responseClassStats = new LongAdder[6];

    final LongAdder rqTotal;
    final AtomicLong rqActive;
    private final List<RouteConfig> routes = new ArrayList<>();
    /** Every open downstream connection, for the bytes they have queued (Envoy's downstream_cx_tx_bytes_buffered). */
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

    private volatile FilterChain chain;
    private volatile boolean draining;
    private Channel listener;
    private final List<TcpListener> tcpListeners = new ArrayList<>();
    private AdminServer admin;
    private EchoServer echo;
    private FileWatcher watcher;

    private ProxyServer(ProxyConfig config, ModuleSources sources, ProxyLog log) {
        this.config = config;
        this.sources = sources;
        this.log = log;
        this.env = new HostEnvironment().logSink(log).transport(new ClusterTransport(this));
        for (int c = 1; c <= 5; c++) {
            responseClassStats[c] = stats.counterCell(httpStat("downstream_rq_" + c + "xx"));
        }
        this.rqTotal = stats.counterCell(httpStat("downstream_rq_total"));
        this.rqActive = stats.gaugeCell(httpStat("downstream_rq_active"));
        stats.computedGauge(httpStat("downstream_cx_tx_bytes_buffered"), this::bytesQueuedDownstream);
        stats.computedGauge("wasm.guest_memory_used_bytes", GuestMemoryBudget.PROCESS::used);
        stats.computedGauge("wasm.guest_memory_budget_bytes", GuestMemoryBudget.PROCESS::limit);
        log.proxy(LogLevel.DEBUG, "transport " + Transport.currentName());
        if (!Transport.WANTED.isEmpty() && !Transport.WANTED.equals(Transport.currentName())) {
            log.proxy(
                    LogLevel.WARN,
                    "-Dwasmesh.transport=" + Transport.WANTED + " is not available here (io_uring,"
                            + " epoll or nio); using " + Transport.currentName());
        }
        this.boss = Transport.group(1);
        this.workerGroup = Transport.group(config.workers());
        for (EventExecutor e : workerGroup) {
            Worker w = new Worker(workers.size(), (EventLoop) e, this);
            workers.add(w);
            byLoop.put(e, w);
        }
    }

    /**
     * Loads and starts every filter on every worker, then binds the listener and the admin endpoint.
     *
     * @throws StartupException with a one-line reason; nothing is left running then
     */
    public static ProxyServer start(ProxyConfig config, ModuleSources sources, ProxyLog log)
            throws StartupException, InterruptedException {
        ProxyServer s = new ProxyServer(config, sources, log);
        try {
            s.startUp();
            return s;
        } catch (StartupException | InterruptedException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void startUp() throws StartupException, InterruptedException {
        List<LoadedFilter> filters = loadAll(config.filters());
        List<List<LoadedFilter>> networkFilters = new ArrayList<>();
        for (TcpProxyConfig t : config.tcpListeners()) {
            networkFilters.add(loadAll(t.filters()));
        }
        clusters.putAll(config.clusters());
        routes.addAll(config.routes());
        if (config.needsEchoUpstream()) {
            echo = EchoServer.start(new Endpoint("127.0.0.1", 0), boss);
            clusters.put(
                    ProxyConfig.DEFAULT_CLUSTER,
                    new ClusterConfig(
                            ProxyConfig.DEFAULT_CLUSTER,
                            List.of(echo.address()),
                            ClusterConfig.DEFAULT_CONNECT_TIMEOUT));
            routes.add(RouteConfig.catchAll(ProxyConfig.DEFAULT_CLUSTER));
        }
        for (RouteConfig r : routes) {
            if (!clusters.containsKey(r.cluster())) {
                throw new StartupException("route '" + r.name() + "' names unknown cluster '" + r.cluster() + "'");
            }
        }
        for (TcpProxyConfig t : config.tcpListeners()) {
            if (!clusters.containsKey(t.cluster())) {
                throw new StartupException(
                        "tcp_proxy '" + t.statPrefix() + "' names unknown cluster '" + t.cluster() + "'");
            }
        }
        try {
            chain = FilterChain.start(filters, networkFilters, workers, this);
        } catch (WasmFailureException e) {
            throw new StartupException("filter failed to start: " + e.getMessage(), e);
        }
        try {
            listener = Transport.server(boss, workerGroup)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    // Netty 4.2's default (adaptive) allocator costs ~8% more CPU per proxied request (bench/load).
                    .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                    .childOption(
                            ChannelOption.WRITE_BUFFER_WATER_MARK,
                            new WriteBufferWaterMark(
                                    config.limits().writeLowWatermark(),
                                    config.limits().writeHighWatermark()))
                    .childHandler(new DownstreamInitializer(this))
                    .bind(config.listen().host(), config.listen().port())
                    .sync()
                    .channel();
        } catch (Exception e) {
            throw new StartupException("cannot listen on " + config.listen() + ": " + e.getMessage(), e);
        }
        startTcpListeners();
        if (config.admin() != null) {
            try {
                admin = AdminServer.start(this, config.admin(), boss);
            } catch (Exception e) {
                throw new StartupException("cannot listen on admin " + config.admin() + ": " + e.getMessage(), e);
            }
        }
        if (config.watch()) {
            List<FilterConfig> watched = new ArrayList<>(config.filters());
            config.tcpListeners().forEach(t -> watched.addAll(t.filters()));
            watcher = FileWatcher.start(watched, this::reload);
        }
        boss.scheduleAtFixedRate(log::flush, ACCESS_LOG_FLUSH_MILLIS, ACCESS_LOG_FLUSH_MILLIS, TimeUnit.MILLISECONDS);
    }

    private List<LoadedFilter> loadAll(List<FilterConfig> configs) throws StartupException {
        List<LoadedFilter> loaded = new ArrayList<>();
        for (FilterConfig f : configs) {
            try {
                loaded.add(load(f));
            } catch (IOException | ModuleLoadException e) {
                throw new StartupException(e.getMessage(), e);
            }
        }
        return loaded;
    }

    /** Each TCP listener's connections use the network filters of the chain generation current when they open. */
    private void startTcpListeners() throws StartupException {
        List<TcpProxyConfig> tcp = config.tcpListeners();
        for (int i = 0; i < tcp.size(); i++) {
            TcpProxyConfig t = tcp.get(i);
            int index = i;
            try {
                tcpListeners.add(TcpListener.start(
                        t,
                        clusters.get(t.cluster()),
                        this,
                        loop -> chain.networkInstances(workerFor(loop), index),
                        boss,
                        workerGroup));
            } catch (Exception e) {
                throw new StartupException("cannot listen on " + t.listen() + ": " + e.getMessage(), e);
            }
        }
    }

    LoadedFilter load(FilterConfig f) throws IOException, ModuleLoadException {
        byte[] code = f.inlineCode() != null ? f.inlineCode() : sources.fetch(f.location(), f.sha256());
        String name = f.localFile() != null ? f.localFile().getFileName().toString() : f.location();
        return LoadedFilter.of(f, ProxyWasmModule.fromBytes(name, code), code);
    }

    /** Reloads the filters read from {@code file}: new streams use the new VMs if they start, else nothing changes. */
    void reload(Path file) {
        FilterChain current = chain;
        try {
            List<LoadedFilter> next = reloaded(current.filters(), file);
            List<List<LoadedFilter>> nextNetwork = new ArrayList<>();
            for (List<LoadedFilter> n : current.networkFilters()) {
                nextNetwork.add(reloaded(n, file));
            }
            FilterChain fresh = FilterChain.start(next, nextNetwork, workers, this);
            chain = fresh;
            current.retire(workers);
            stats.inc("wasmesh.filter_reloads");
            String abi = Stream.concat(Stream.of(next), nextNetwork.stream())
                    .flatMap(List::stream)
                    .filter(f -> Objects.equals(f.config().localFile(), file))
                    .findFirst()
                    .map(f -> f.module().abiVersion().toString())
                    .orElse("?");
            log.stdout("wasmesh: reloaded " + file + " (proxy-wasm ABI " + abi + ")");
        } catch (IOException | ModuleLoadException | RuntimeException e) {
            stats.inc("wasmesh.filter_reload_failures");
            log.stdout("wasmesh: reload of " + file + " failed, still serving the previous filter: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code filters} with those read from {@code file} loaded again. */
    private List<LoadedFilter> reloaded(List<LoadedFilter> filters, Path file) throws IOException, ModuleLoadException {
        List<LoadedFilter> next = new ArrayList<>(filters);
        for (int i = 0; i < next.size(); i++) {
            FilterConfig fc = next.get(i).config();
            if (Objects.equals(fc.localFile(), file)) {
                next.set(i, load(fc));
            }
        }
        return next;
    }

    /** The line {@code run} prints when ready. */
    public String readyLine() {
        StringBuilder sb = new StringBuilder("wasmesh proxy ready: listening on http://").append(listenAddress());
        if (admin != null) {
            sb.append(", admin http://").append(admin.address());
        }
        List<LoadedFilter> fs = chain.filters();
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

    public Endpoint listenAddress() {
        InetSocketAddress a = (InetSocketAddress) listener.localAddress();
        return new Endpoint(a.getAddress().getHostAddress(), a.getPort());
    }

    /** The bound addresses of the TCP listeners, in configuration order. */
    public List<Endpoint> tcpListenAddresses() {
        return tcpListeners.stream().map(TcpListener::address).toList();
    }

    /** The admin endpoint's bound address, or null if there is none. */
    public Endpoint adminAddress() {
        return admin == null ? null : admin.address();
    }

    public ProxyStats stats() {
        return stats;
    }

    public HostEnvironment env() {
        return env;
    }

    public ProxyConfig config() {
        return config;
    }

    ProxyLog log() {
        return log;
    }

    FilterChain chain() {
        return chain;
    }

    List<RouteConfig> routes() {
        return routes;
    }

    Map<String, ClusterConfig> clusters() {
        return clusters;
    }

    ClusterConfig cluster(String name) {
        return clusters.get(name);
    }

    boolean draining() {
        return draining;
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

    /** Counts a new downstream connection in the connections whose queued bytes are reported. */
    void opened(Channel ch) {
        connections.add(ch);
    }

    String listenerStat(String name) {
        Endpoint ep = listenAddress();
        return "listener." + ep.host() + "_" + ep.port() + "." + name;
    }

    String httpStat(String name) {
        return "http." + config.statPrefix() + "." + name;
    }

    /** Counts a response in {@code downstream_rq_Nxx}. */
    void countResponse(int code) {
        int c = code / 100;
        if (c >= 1 && c <= 5) {
            responseClassStats[c].increment();
        } else {
            stats.inc(httpStat("downstream_rq_" + c + "xx"));
        }
    }

    Worker workerFor(EventExecutor loop) {
        return byLoop.get(loop);
    }

    /** The worker whose loop is running now (call-outs start on the calling VM's worker). */
    Worker currentWorker() {
        for (Worker w : workers) {
            if (w.loop().inEventLoop()) {
                return w;
            }
        }
        return workers.get(0);
    }

    void accessLog(AccessLog.Entry entry) {
        log.access(entry);
    }

    /** Graceful shutdown: stop accepting, let in-flight requests finish (up to the drain timeout), then stop. */
    public void shutdown() throws InterruptedException {
        draining = true;
        if (listener != null) {
            listener.close().sync();
        }
        tcpListeners.forEach(TcpListener::close);
        long deadline = System.nanoTime() + config.limits().drainTimeout().toNanos();
        while (rqActive.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        close();
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        tcpListeners.forEach(TcpListener::close);
        if (admin != null) {
            admin.close();
        }
        if (echo != null) {
            echo.close();
        }
        FilterChain c = chain;
        if (c != null) {
            c.retire(workers);
        }
        workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        log.flush();
    }
}
