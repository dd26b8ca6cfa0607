package dev.wasmesh.testing;

import dev.wasmesh.host.FailurePolicy;
import dev.wasmesh.host.ForeignFunction;
import dev.wasmesh.host.PluginConfig;
import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.host.module.ProxyWasmModule;
import dev.wasmesh.stream.FilterManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Settings for a {@link ProxyWasmHarness}, from {@link ProxyWasmHarness#load}: what Envoy's wasm filter
 * configuration would say (root id, vm id, configurations, environment, log level), static properties, upstream
 * clusters, foreign functions and the clock; {@link #then} adds the next filter of a chain. {@link #start()} creates
 * the VMs and the plugins.
 */
public final class HarnessBuilder {
    /** What all plugins of the harness share: the chain and the proxy around it. */
    private static final class Shared {
        final List<HarnessBuilder> chain = new ArrayList<>();
        final Map<String, byte[]> nodeProperties = new LinkedHashMap<>();
        final Map<String, byte[]> streamProperties = new LinkedHashMap<>();
        final Map<String, ForeignFunction> foreignFunctions = new LinkedHashMap<>();
        Set<String> clusters;
        TestClock clock = new TestClock();
        boolean echoLogs;
        long bufferLimit = FilterManager.DEFAULT_BUFFER_LIMIT_BYTES;
    }

    private final Shared shared;
    private final Path file;
    private final String name;
    private final byte[] bytes;
    private final ProxyWasmModule module;
    private ProxyWasmModule.Engine engine = ProxyWasmModule.Engine.COMPILER;
    private final PluginConfig.Builder config = PluginConfig.builder();

    HarnessBuilder(Path file) {
        this(new Shared(), Objects.requireNonNull(file), null, null, null);
    }

    HarnessBuilder(String name, byte[] bytes) {
        this(new Shared(), null, Objects.requireNonNull(name), bytes.clone(), null);
    }

    HarnessBuilder(ProxyWasmModule module) {
        this(new Shared(), null, null, null, Objects.requireNonNull(module));
    }

    private HarnessBuilder(Shared shared, Path file, String name, byte[] bytes, ProxyWasmModule module) {
        this.shared = shared;
        this.file = file;
        this.name = name;
        this.bytes = bytes;
        this.module = module;
        shared.chain.add(this);
    }

    /**
     * Adds the next filter of the chain, configured by the builder this returns (root id, configuration, ...);
     * settings of the whole harness (clock, clusters, properties, ...) can be made on any builder of the chain. The
     * request runs through the filters in the order they were added, the response in reverse, as in Envoy's filter
     * chain. Plugins with the same module, vm_id and VM configuration share one VM, as Envoy shares them.
     */
    public HarnessBuilder then(Path nextFile) {
        return new HarnessBuilder(shared, Objects.requireNonNull(nextFile), null, null, null);
    }

    public HarnessBuilder then(String nextName, byte[] wasm) {
        return new HarnessBuilder(shared, null, Objects.requireNonNull(nextName), wasm.clone(), null);
    }

    public HarnessBuilder then(ProxyWasmModule nextModule) {
        return new HarnessBuilder(shared, null, null, null, Objects.requireNonNull(nextModule));
    }

    /** The Chicory engine: the compiler (default) or the interpreter. Ignored for an already loaded module. */
    public HarnessBuilder engine(ProxyWasmModule.Engine engine) {
        this.engine = Objects.requireNonNull(engine);
        return this;
    }

    /** The plugin's root id, which filters read as {@code plugin_root_id} and SDKs use to pick a root context. */
    public HarnessBuilder rootId(String rootId) {
        config.rootId(rootId);
        return this;
    }

    public HarnessBuilder vmId(String vmId) {
        config.vmId(vmId);
        return this;
    }

    /** The plugin name ({@code plugin_name}); also labels log lines. */
    public HarnessBuilder pluginName(String pluginName) {
        config.name(pluginName);
        return this;
    }

    /** The plugin configuration proxy_on_configure reads. */
    public HarnessBuilder pluginConfig(String text) {
        config.pluginConfiguration(text);
        return this;
    }

    public HarnessBuilder pluginConfig(byte[] data) {
        config.pluginConfiguration(data);
        return this;
    }

    /** The VM configuration proxy_on_vm_start reads. */
    public HarnessBuilder vmConfig(String text) {
        config.vmConfiguration(text);
        return this;
    }

    public HarnessBuilder vmConfig(byte[] data) {
        config.vmConfiguration(data);
        return this;
    }

    /** An environment variable the module sees through WASI. */
    public HarnessBuilder env(String variable, String value) {
        config.env(variable, value);
        return this;
    }

    public HarnessBuilder environment(Map<String, String> variables) {
        config.environment(variables);
        return this;
    }

    /** Logs below this level are dropped, as Envoy's log level does; the default is INFO. */
    public HarnessBuilder logLevel(LogLevel level) {
        config.logLevel(level);
        return this;
    }

    /** Longest one callback may run before it is interrupted (default 1 s); zero disables the limit. */
    public HarnessBuilder callbackDeadline(Duration deadline) {
        config.callbackDeadline(deadline);
        return this;
    }

    public HarnessBuilder memoryLimitPages(int pages) {
        config.memoryLimitPages(pages);
        return this;
    }

    /**
     * A property filters read with proxy_get_property, as a string. {@code node.*} paths (e.g. {@code node.id},
     * {@code node.metadata.REGION}) are process-wide, as in Envoy's bootstrap; any other dotted path is set on
     * every stream this harness opens (use {@link HttpStream#info()} for the address, protocol and response facts).
     */
    public HarnessBuilder property(String dottedPath, String value) {
        return property(dottedPath, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A property already in Envoy's encoding (e.g. 8-byte little-endian for integers). */
    public HarnessBuilder property(String dottedPath, byte[] value) {
        ProxyWasmHarness.propertyPath(dottedPath); // rejects empty paths early
        (dottedPath.startsWith("node.") ? shared.nodeProperties : shared.streamProperties)
                .put(dottedPath, value.clone());
        return this;
    }

    /**
     * Only these upstream clusters exist; call-outs to any other fail with BAD_ARGUMENT as in Envoy. Without
     * this, every cluster name is accepted.
     */
    public HarnessBuilder clusters(String... names) {
        shared.clusters = new LinkedHashSet<>(List.of(names));
        return this;
    }

    /** A function filters can call with proxy_call_foreign_function. */
    public HarnessBuilder foreignFunction(String functionName, ForeignFunction function) {
        shared.foreignFunctions.put(Objects.requireNonNull(functionName), Objects.requireNonNull(function));
        return this;
    }

    /** Start wall time of the test clock (default {@link TestClock#DEFAULT_START}). */
    public HarnessBuilder startTime(Instant start) {
        shared.clock = new TestClock(start);
        return this;
    }

    /** Use this clock (for sharing one between harnesses). */
    public HarnessBuilder clock(TestClock testClock) {
        shared.clock = Objects.requireNonNull(testClock);
        return this;
    }

    /** Also print filter logs to stderr as they happen. */
    public HarnessBuilder echoLogs(boolean echo) {
        shared.echoLogs = echo;
        return this;
    }

    /** What the plugin does when its VM fails (default FAIL_CLOSED: the stream answers 503). */
    public HarnessBuilder failurePolicy(FailurePolicy policy) {
        config.failurePolicy(policy);
        return this;
    }

    /** The most a filter may buffer of a body, as the listener's {@code per_connection_buffer_limit_bytes}. */
    public HarnessBuilder bufferLimit(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("buffer limit must be positive: " + bytes);
        }
        shared.bufferLimit = bytes;
        return this;
    }

    /**
     * Loads the modules (compiled modules are cached by content), instantiates the VMs, runs their start-up, and
     * creates each plugin's root context: proxy_on_context_create, proxy_on_vm_start, proxy_on_configure.
     *
     * @throws FilterLoadException if a file cannot be read or is not a runnable proxy-wasm module
     * @throws PluginStartException if start-up traps or a filter rejects its configuration
     */
    public ProxyWasmHarness start() {
        LogRecorder logs = new LogRecorder().echo(shared.echoLogs);
        List<ProxyWasmHarness.PluginSetup> plugins = new ArrayList<>();
        for (HarnessBuilder b : shared.chain) {
            plugins.add(new ProxyWasmHarness.PluginSetup(b.load(), b.config.build()));
        }
        return new ProxyWasmHarness(
                plugins,
                logs,
                shared.clock,
                shared.clusters,
                shared.nodeProperties,
                shared.streamProperties,
                shared.foreignFunctions,
                shared.bufferLimit);
    }

    private ProxyWasmModule load() {
        if (module != null) {
            return module;
        }
        return file != null ? ModuleCache.load(file, engine) : ModuleCache.load(name, bytes, engine);
    }
}
