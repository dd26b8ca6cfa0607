package dev.wasmesh.testing;

import dev.wasmesh.host.ForeignFunction;
import dev.wasmesh.host.PluginConfig;
import dev.wasmesh.host.ProxyWasmModule;
import dev.wasmesh.host.abi.LogLevel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Settings for a {@link ProxyWasmHarness}, from {@link ProxyWasmHarness#load}: what Envoy's wasm filter
 * configuration would say (root id, vm id, configurations, environment, log level), static properties, upstream
 * clusters, foreign functions and the clock. {@link #start()} creates the VM and the plugin.
 */
public final class HarnessBuilder {
    private final Path file;
    private final String name;
    private final byte[] bytes;
    private final ProxyWasmModule module;
    private ProxyWasmModule.Engine engine = ProxyWasmModule.Engine.COMPILER;
    private final PluginConfig.Builder config = PluginConfig.builder();
    private final Map<String, byte[]> nodeProperties = new LinkedHashMap<>();
    private final Map<String, byte[]> streamProperties = new LinkedHashMap<>();
    private final Map<String, ForeignFunction> foreignFunctions = new LinkedHashMap<>();
    private Set<String> clusters;
    private TestClock clock = new TestClock();
    private boolean echoLogs;

    HarnessBuilder(Path file) {
        this(Objects.requireNonNull(file), null, null, null);
    }

    HarnessBuilder(String name, byte[] bytes) {
        this(null, Objects.requireNonNull(name), bytes.clone(), null);
    }

    HarnessBuilder(ProxyWasmModule module) {
        this(null, null, null, Objects.requireNonNull(module));
    }

    private HarnessBuilder(Path file, String name, byte[] bytes, ProxyWasmModule module) {
        this.file = file;
        this.name = name;
        this.bytes = bytes;
        this.module = module;
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
        (dottedPath.startsWith("node.") ? nodeProperties : streamProperties).put(dottedPath, value.clone());
        return this;
    }

    /**
     * Only these upstream clusters exist; call-outs to any other fail with BAD_ARGUMENT as in Envoy. Without
     * this, every cluster name is accepted.
     */
    public HarnessBuilder clusters(String... names) {
        clusters = new LinkedHashSet<>(List.of(names));
        return this;
    }

    /** A function filters can call with proxy_call_foreign_function. */
    public HarnessBuilder foreignFunction(String functionName, ForeignFunction function) {
        foreignFunctions.put(Objects.requireNonNull(functionName), Objects.requireNonNull(function));
        return this;
    }

    /** Start wall time of the test clock (default {@link TestClock#DEFAULT_START}). */
    public HarnessBuilder startTime(Instant start) {
        this.clock = new TestClock(start);
        return this;
    }

    /** Use this clock (for sharing one between harnesses). */
    public HarnessBuilder clock(TestClock testClock) {
        this.clock = Objects.requireNonNull(testClock);
        return this;
    }

    /** Also print filter logs to stderr as they happen. */
    public HarnessBuilder echoLogs(boolean echo) {
        this.echoLogs = echo;
        return this;
    }

    /**
     * Loads the module (compiled modules are cached by content), instantiates the VM, runs its start-up, and
     * creates the plugin's root context: proxy_on_context_create, proxy_on_vm_start, proxy_on_configure.
     *
     * @throws FilterLoadException if the file cannot be read or is not a runnable proxy-wasm module
     * @throws PluginStartException if start-up traps or the filter rejects its configuration
     */
    public ProxyWasmHarness start() {
        ProxyWasmModule m = module != null
                ? module
                : file != null ? ModuleCache.load(file, engine) : ModuleCache.load(name, bytes, engine);
        LogRecorder logs = new LogRecorder().echo(echoLogs);
        return new ProxyWasmHarness(
                m, config.build(), logs, clock, clusters, nodeProperties, streamProperties, foreignFunctions);
    }
}
