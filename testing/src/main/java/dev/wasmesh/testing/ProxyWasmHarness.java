package dev.wasmesh.testing;

import dev.wasmesh.host.ForeignFunction;
import dev.wasmesh.host.HostEnvironment;
import dev.wasmesh.host.PluginConfig;
import dev.wasmesh.host.RootContext;
import dev.wasmesh.host.WasmFailure;
import dev.wasmesh.host.WasmFailureException;
import dev.wasmesh.host.WasmVm;
import dev.wasmesh.host.module.ProxyWasmModule;
import dev.wasmesh.host.shared.SharedData;
import dev.wasmesh.host.stream.StreamInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Runs a real proxy-wasm module in-process for unit tests, standing in for Envoy: one plugin, or a chain of them
 * ({@link HarnessBuilder#then}) on VMs they share as Envoy shares them; HTTP streams driven phase by phase through
 * the same filter manager {@code wasmesh run} uses (dev.wasmesh.stream), TCP connections for network filters,
 * call-outs the test answers, timers on a test clock, and everything the filters wrote (logs, metrics, shared data)
 * readable afterwards.
 *
 * <pre>{@code
 * try (ProxyWasmHarness h = ProxyWasmHarness.load(Path.of("filter.wasm")).rootId("my_root").start()) {
 *     HttpStream s = h.newHttpStream();
 *     s.sendRequestHeaders(Map.of(":method", "GET", ":path", "/", ":authority", "example.com"), true);
 *     s.sendResponseHeaders(Map.of(":status", "200"), true);
 *     assertEquals("world", s.responseHeaders().first("hello"));
 * }
 * }</pre>
 *
 * <p>Everything runs on the calling thread. Work the filter starts for later (queue notifications, call-out
 * callbacks, deferred deletes) runs before each harness or stream method returns. Not thread-safe.
 */
public final class ProxyWasmHarness implements AutoCloseable {
    /** One plugin to start: its module and its configuration. */
    record PluginSetup(ProxyWasmModule module, PluginConfig config) {}

    /** Plugins share a VM as in Envoy: same code, same vm_id, same VM configuration. */
    private record VmKey(ProxyWasmModule module, String vmId, List<Byte> vmConfiguration) {}

    private final HostEnvironment env;
    private final LogRecorder logs;
    private final TestClock clock;
    private final CalloutRecorder callouts;
    private final Map<String, byte[]> streamProperties;
    private final long bufferLimit;
    private final List<HttpStream> streams = new ArrayList<>();
    private final List<TcpStream> connections = new ArrayList<>();
    private final List<WasmVm> vms = new ArrayList<>();
    private final List<Plugin> plugins = new ArrayList<>();
    private final ArrayDeque<Runnable> deferred = new ArrayDeque<>();

    ProxyWasmHarness(
            List<PluginSetup> setups,
            LogRecorder logs,
            TestClock clock,
            Set<String> clusters,
            Map<String, byte[]> nodeProperties,
            Map<String, byte[]> streamProperties,
            Map<String, ForeignFunction> foreignFunctions,
            long bufferLimit) {
        this.logs = logs;
        this.clock = clock;
        this.callouts = new CalloutRecorder(clusters, clock, this::drain);
        this.streamProperties = Map.copyOf(streamProperties);
        this.bufferLimit = bufferLimit;
        this.env = new HostEnvironment().logSink(logs).clock(clock).transport(callouts);
        nodeProperties.forEach(env::setNodeProperty);
        foreignFunctions.forEach(env::registerForeignFunction);
        Map<VmKey, WasmVm> byKey = new HashMap<>();
        Map<PluginConfig, TickTimer> timers = new IdentityHashMap<>();
        try {
            for (PluginSetup setup : setups) {
                PluginConfig config = setup.config();
                VmKey key = new VmKey(setup.module(), config.vmId(), bytes(config.vmConfiguration()));
                WasmVm vm = byKey.get(key);
                if (vm == null) {
                    vm = WasmVm.create(
                            setup.module(),
                            env,
                            config,
                            new WasmVm.Options()
                                    .timerListener((root, period) ->
                                            timers.get(root.config()).tickPeriodChanged(root, period)));
                    byKey.put(key, vm);
                    vms.add(vm);
                }
                TickTimer timer = new TickTimer(clock);
                timers.put(config, timer);
                RootContext root = vm.createRootContext(config);
                plugins.add(new Plugin(config, vm, root, timer));
                vm.runPending();
            }
        } catch (WasmFailureException e) {
            throw new PluginStartException(e.failure(), logs, e);
        }
    }

    private static List<Byte> bytes(byte[] data) {
        List<Byte> out = new ArrayList<>(data.length);
        for (byte b : data) {
            out.add(b);
        }
        return out;
    }

    /** Starts configuring a harness for the module in {@code file}. */
    public static HarnessBuilder load(Path file) {
        return new HarnessBuilder(file);
    }

    /** Starts configuring a harness for a module given as bytes; {@code name} appears in messages. */
    public static HarnessBuilder load(String name, byte[] wasm) {
        return new HarnessBuilder(name, wasm);
    }

    /** Starts configuring a harness for an already loaded module (its engine is the one it was loaded with). */
    public static HarnessBuilder load(ProxyWasmModule module) {
        return new HarnessBuilder(module);
    }

    // ---- streams -----------------------------------------------------------------------------------------------

    /** Opens an HTTP stream (proxy_on_context_create) with default stream facts. */
    public HttpStream newHttpStream() {
        return newHttpStream(new StreamInfo().startTimeNanos(clock.realtimeNanos()));
    }

    /** Opens an HTTP stream whose properties ({@code source.address}, {@code response.code}, ...) come from info. */
    public HttpStream newHttpStream(StreamInfo info) {
        HttpStream s = new HttpStream(this, info, streamProperties);
        streams.add(s);
        return s;
    }

    /**
     * Opens a TCP connection through a network filter (proxy_on_context_create, proxy_on_new_connection) with
     * default connection facts.
     */
    public TcpStream newTcpStream() {
        return newTcpStream(new StreamInfo().startTimeNanos(clock.realtimeNanos()));
    }

    /** Opens a TCP connection whose properties ({@code source.address}, {@code connection.id}, ...) come from info. */
    public TcpStream newTcpStream(StreamInfo info) {
        TcpStream s = new TcpStream(this, first().root(), info, streamProperties);
        connections.add(s);
        return s;
    }

    // ---- what the filter wrote -------------------------------------------------------------------------------

    public LogRecorder logs() {
        return logs;
    }

    public FilterMetrics metrics() {
        return new FilterMetrics(env.metrics());
    }

    /** A shared-data value as text, if set. */
    public Optional<String> sharedData(String key) {
        return sharedDataBytes(key).map(b -> new String(b, StandardCharsets.UTF_8));
    }

    public Optional<byte[]> sharedDataBytes(String key) {
        return env.sharedData().get(key).map(SharedData.Entry::value);
    }

    /** Sets shared data unconditionally, as another VM or plugin would. */
    public ProxyWasmHarness setSharedData(String key, String value) {
        env.sharedData().set(key, value.getBytes(StandardCharsets.UTF_8), 0);
        return this;
    }

    // ---- queues and foreign functions ------------------------------------------------------------------------

    /** Enqueues onto a queue the filter registered in this VM; proxy_on_queue_ready runs before this returns. */
    public ProxyWasmHarness enqueue(String queueName, String value) {
        return enqueue(first().config().vmId(), queueName, value.getBytes(StandardCharsets.UTF_8));
    }

    public ProxyWasmHarness enqueue(String vmId, String queueName, byte[] value) {
        int token = env.queues()
                .resolve(vmId, queueName)
                .orElseThrow(() -> new NoSuchElementException(
                        "no shared queue '" + queueName + "' registered under vm_id '" + vmId + "'"));
        env.queues().enqueue(token, value);
        drain();
        return this;
    }

    /** Items waiting in a queue of this VM (0 if it does not exist). */
    public int queueSize(String queueName) {
        return env.queues()
                .resolve(first().config().vmId(), queueName)
                .map(t -> env.queues().size(t))
                .orElse(0);
    }

    public ProxyWasmHarness registerForeignFunction(String name, ForeignFunction function) {
        env.registerForeignFunction(name, function);
        return this;
    }

    /** Runs proxy_on_foreign_function on the root context with {@code arguments} readable by the filter. */
    public ProxyWasmHarness callForeignFunction(int functionId, byte[] arguments) {
        first().root().callForeignFunction(functionId, arguments);
        drain();
        return this;
    }

    // ---- call-outs -------------------------------------------------------------------------------------------

    /** Every HTTP call-out made so far, answered or not, oldest first. */
    public List<PendingHttpCall> httpCalls() {
        return callouts.httpCalls();
    }

    /** HTTP call-outs still waiting for an answer, oldest first. */
    public List<PendingHttpCall> pendingHttpCalls() {
        return callouts.pendingHttpCalls();
    }

    /** The oldest unanswered HTTP call-out. @throws NoSuchElementException if there is none */
    public PendingHttpCall nextHttpCall() {
        return pendingHttpCalls().stream()
                .findFirst()
                .orElseThrow(() -> new NoSuchElementException("the filter has no pending HTTP call-out"));
    }

    public List<PendingGrpcCall> grpcCalls() {
        return callouts.grpcCalls();
    }

    /** gRPC calls and streams not yet closed or cancelled, oldest first. */
    public List<PendingGrpcCall> pendingGrpcCalls() {
        return callouts.pendingGrpcCalls();
    }

    public PendingGrpcCall nextGrpcCall() {
        return pendingGrpcCalls().stream()
                .findFirst()
                .orElseThrow(() -> new NoSuchElementException("the filter has no open gRPC call"));
    }

    // ---- time ------------------------------------------------------------------------------------------------

    public TestClock clock() {
        return clock;
    }

    /** The period the filter set with proxy_set_tick_period_milliseconds; zero if none. */
    public Duration tickPeriod() {
        return first().timer().period();
    }

    /** Runs proxy_on_tick once, now, whatever the period, on each plugin in chain order. */
    public ProxyWasmHarness tick() {
        for (Plugin p : plugins) {
            p.root().tick();
            drain();
        }
        return this;
    }

    public ProxyWasmHarness tick(int times) {
        for (int i = 0; i < times; i++) {
            tick();
        }
        return this;
    }

    /**
     * Moves the test clock forward and fires, in time order, every timer tick that comes due (the clock reads
     * each tick's due time while it runs) and every call-out whose timeout passes (HTTP calls fail, unary gRPC calls
     * fail with UNAVAILABLE, 14, "upstream request timeout"), as Envoy would in that time.
     */
    public ProxyWasmHarness advanceClock(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("cannot go back in time: " + by);
        }
        long target = clock.monotonicNanos() + by.toNanos();
        while (true) {
            Plugin ticking = null;
            long tickAt = Long.MAX_VALUE;
            for (Plugin p : plugins) {
                if (p.timer().nextDueNanos() < tickAt) {
                    tickAt = p.timer().nextDueNanos();
                    ticking = p;
                }
            }
            Optional<PendingHttpCall> http =
                    pendingHttpCalls().stream().min(Comparator.comparingLong(PendingHttpCall::deadlineNanos));
            Optional<PendingGrpcCall> grpc =
                    pendingGrpcCalls().stream().min(Comparator.comparingLong(PendingGrpcCall::deadlineNanos));
            long httpAt = http.map(PendingHttpCall::deadlineNanos).orElse(Long.MAX_VALUE);
            long grpcAt = grpc.map(PendingGrpcCall::deadlineNanos).orElse(Long.MAX_VALUE);
            long next = Math.min(tickAt, Math.min(httpAt, grpcAt));
            if (next > target) {
                break;
            }
            clock.advance(Duration.ofNanos(Math.max(0, next - clock.monotonicNanos())));
            if (ticking != null && next == tickAt) {
                ticking.root().tick();
                drain();
                ticking.timer().fired(next);
            } else if (next == httpAt) {
                http.get().fail();
            } else {
                grpc.get().expire();
            }
        }
        clock.advance(Duration.ofNanos(target - clock.monotonicNanos()));
        return this;
    }

    // ---- failures and lifecycle ------------------------------------------------------------------------------

    /**
     * Whether a VM has failed (trap, deadline, ...): each plugin on it then applies its failure policy to streams,
     * as Envoy's would.
     */
    public boolean failed() {
        return vms.stream().anyMatch(WasmVm::failed);
    }

    /** The first VM failure, in chain order. */
    public Optional<WasmFailure> failure() {
        return vms.stream().map(WasmVm::failure).filter(Objects::nonNull).findFirst();
    }

    /**
     * Shuts the plugins down (proxy_on_done; proxy_on_delete once a filter is done).
     *
     * @return whether every root context is gone now; false if a filter deferred with proxy_on_done returning false
     *     and has not called proxy_done yet
     */
    public boolean shutdown() {
        for (Plugin p : plugins) {
            p.root().shutdown();
            drain();
        }
        return rootDeleted();
    }

    public boolean rootDeleted() {
        return plugins.stream().allMatch(p -> p.root().deleted());
    }

    /**
     * Completes every open stream, closes every open TCP connection and shuts the plugins down. A filter that traps
     * while shutting down does not make this throw (it would hide the test's own outcome): the failure stays
     * readable through {@link #failure()} and the CRITICAL log. Call {@link #shutdown()} to see such a failure as an
     * exception.
     */
    @Override
    public void close() {
        try {
            for (HttpStream s : streams) {
                if (!s.completed() && !failed()) {
                    s.complete();
                }
            }
            for (TcpStream s : connections) {
                if (!s.closed() && !failed()) {
                    s.close();
                }
            }
            if (!failed() && !rootDeleted()) {
                shutdown();
            }
        } catch (WasmFailureException e) {
            // Recorded by the VM; see the method comment.
        }
    }

    // ---- escape hatches --------------------------------------------------------------------------------------

    /** The first plugin's VM. */
    public WasmVm vm() {
        return first().vm();
    }

    /** The first plugin's root context. */
    public RootContext rootContext() {
        return first().root();
    }

    /** The root context of the plugin at {@code index} in the chain. */
    public RootContext rootContext(int index) {
        return plugins.get(index).root();
    }

    public HostEnvironment environment() {
        return env;
    }

    /** The first plugin's configuration. */
    public PluginConfig pluginConfig() {
        return first().config();
    }

    private Plugin first() {
        return plugins.get(0);
    }

    List<Plugin> plugins() {
        return plugins;
    }

    long bufferLimit() {
        return bufferLimit;
    }

    /** Work a stream's filter manager does once the callback in progress has returned (continue, local reply). */
    void defer(Runnable task) {
        deferred.add(task);
    }

    /** Runs work queued for later (call-out callbacks, queue notifications, deferred deletes, stream steering). */
    void drain() {
        boolean ran;
        do {
            ran = false;
            for (WasmVm vm : vms) {
                ran |= vm.runPending() > 0;
            }
            Runnable task;
            while ((task = deferred.poll()) != null) {
                task.run();
                ran = true;
            }
        } while (ran);
    }

    static String[] propertyPath(String dotted) {
        if (dotted.isEmpty() || dotted.startsWith(".") || dotted.endsWith(".")) {
            throw new IllegalArgumentException("bad property path '" + dotted + "' (expected e.g. node.id)");
        }
        return dotted.split("\\.");
    }
}
