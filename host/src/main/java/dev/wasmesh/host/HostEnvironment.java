package dev.wasmesh.host;

import dev.wasmesh.host.internal.envoy.EnvoyForeignFunctions;
import dev.wasmesh.host.shared.Metrics;
import dev.wasmesh.host.shared.SharedData;
import dev.wasmesh.host.shared.SharedQueues;
import dev.wasmesh.host.stream.NodeInfo;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What all VMs of one process share: shared data, queues, metrics, foreign functions, the log sink, the clock,
 * node properties and the transport for call-outs. One per proxy (or per test).
 */
public final class HostEnvironment {
    private final SharedData sharedData = new SharedData();
    private final SharedQueues queues = new SharedQueues();
    private final Metrics metrics = new Metrics();
    private final Map<String, ForeignFunction> foreignFunctions = new ConcurrentHashMap<>();
    private final Map<String, byte[]> nodeProperties = new ConcurrentHashMap<>();
    private volatile NodeInfo node;
    private volatile LogSink logSink = LogSink.STDERR;
    private volatile HostClock clock = HostClock.SYSTEM;
    private volatile CallTransport transport = CallTransport.NONE;

    public HostEnvironment() {
        EnvoyForeignFunctions.registerAll(this);
    }

    public SharedData sharedData() {
        return sharedData;
    }

    public SharedQueues queues() {
        return queues;
    }

    public Metrics metrics() {
        return metrics;
    }

    public HostEnvironment registerForeignFunction(String name, ForeignFunction function) {
        foreignFunctions.put(Objects.requireNonNull(name), Objects.requireNonNull(function));
        return this;
    }

    public Optional<ForeignFunction> foreignFunction(String name) {
        return Optional.ofNullable(foreignFunctions.get(name));
    }

    /** Sets a static property such as {@code node.id} or {@code node.metadata.NAME}, already encoded. */
    public HostEnvironment setNodeProperty(String dottedPath, byte[] value) {
        nodeProperties.put(dottedPath, value.clone());
        return this;
    }

    /** A property set with {@link #setNodeProperty}, encoded. */
    public Optional<byte[]> nodeProperty(String dottedPath) {
        return Optional.ofNullable(nodeProperties.get(dottedPath));
    }

    /** The node filters read as {@code xds.node} (and {@code node}); null for none. */
    public NodeInfo node() {
        return node;
    }

    public HostEnvironment node(NodeInfo node) {
        this.node = node;
        return this;
    }

    public LogSink logSink() {
        return logSink;
    }

    public HostEnvironment logSink(LogSink sink) {
        this.logSink = Objects.requireNonNull(sink);
        return this;
    }

    public HostClock clock() {
        return clock;
    }

    public HostEnvironment clock(HostClock clock) {
        this.clock = Objects.requireNonNull(clock);
        return this;
    }

    public CallTransport transport() {
        return transport;
    }

    public HostEnvironment transport(CallTransport transport) {
        this.transport = Objects.requireNonNull(transport);
        return this;
    }
}
