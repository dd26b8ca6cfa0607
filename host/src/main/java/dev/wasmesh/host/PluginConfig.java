package dev.wasmesh.host;

import dev.wasmesh.host.abi.LogLevel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What Envoy's wasm filter configuration says about one plugin: its names, the VM and plugin configuration bytes
 * and the VM's environment. Immutable; build with {@link #builder()}.
 */
public final class PluginConfig {
    private final String name;
    private final String rootId;
    private final String vmId;
    private final byte[] vmConfiguration;
    private final byte[] pluginConfiguration;
    private final Map<String, String> environment;
    private final LogLevel logLevel;
    private final FailurePolicy failurePolicy;
    private final Duration callbackDeadline;
    private final int memoryLimitPages;

    private PluginConfig(Builder b) {
        this.name = b.name;
        this.rootId = b.rootId;
        this.vmId = b.vmId;
        this.vmConfiguration = b.vmConfiguration.clone();
        this.pluginConfiguration = b.pluginConfiguration.clone();
        this.environment = Map.copyOf(b.environment);
        this.logLevel = b.logLevel;
        this.failurePolicy = b.failurePolicy;
        this.callbackDeadline = b.callbackDeadline;
        this.memoryLimitPages = b.memoryLimitPages;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.name = name;
        b.rootId = rootId;
        b.vmId = vmId;
        b.vmConfiguration = vmConfiguration;
        b.pluginConfiguration = pluginConfiguration;
        b.environment = new LinkedHashMap<>(environment);
        b.logLevel = logLevel;
        b.failurePolicy = failurePolicy;
        b.callbackDeadline = callbackDeadline;
        b.memoryLimitPages = memoryLimitPages;
        return b;
    }

    public String name() {
        return name;
    }

    public String rootId() {
        return rootId;
    }

    public String vmId() {
        return vmId;
    }

    public byte[] vmConfiguration() {
        return vmConfiguration.clone();
    }

    public byte[] pluginConfiguration() {
        return pluginConfiguration.clone();
    }

    public Map<String, String> environment() {
        return environment;
    }

    public LogLevel logLevel() {
        return logLevel;
    }

    public FailurePolicy failurePolicy() {
        return failurePolicy;
    }

    /** Longest a single callback may run before it is interrupted; zero disables the deadline. */
    public Duration callbackDeadline() {
        return callbackDeadline;
    }

    /** Largest linear memory a VM may grow to, in 64 KiB pages. */
    public int memoryLimitPages() {
        return memoryLimitPages;
    }

    public static final class Builder {
        private String name = "";
        private String rootId = "";
        private String vmId = "";
        private byte[] vmConfiguration = new byte[0];
        private byte[] pluginConfiguration = new byte[0];
        private Map<String, String> environment = new LinkedHashMap<>();
        private LogLevel logLevel = LogLevel.INFO;
        private FailurePolicy failurePolicy = FailurePolicy.FAIL_CLOSED;
        private Duration callbackDeadline = GuestLimits.DEFAULT_CALLBACK_DEADLINE;
        private int memoryLimitPages = GuestLimits.DEFAULT_VM_MEMORY_PAGES;

        public Builder name(String name) {
            this.name = Objects.requireNonNull(name);
            return this;
        }

        public Builder rootId(String rootId) {
            this.rootId = Objects.requireNonNull(rootId);
            return this;
        }

        public Builder vmId(String vmId) {
            this.vmId = Objects.requireNonNull(vmId);
            return this;
        }

        public Builder vmConfiguration(byte[] bytes) {
            this.vmConfiguration = bytes.clone();
            return this;
        }

        public Builder vmConfiguration(String text) {
            return vmConfiguration(text.getBytes(StandardCharsets.UTF_8));
        }

        public Builder pluginConfiguration(byte[] bytes) {
            this.pluginConfiguration = bytes.clone();
            return this;
        }

        public Builder pluginConfiguration(String text) {
            return pluginConfiguration(text.getBytes(StandardCharsets.UTF_8));
        }

        public Builder environment(Map<String, String> environment) {
            this.environment = new LinkedHashMap<>(environment);
            return this;
        }

        public Builder env(String name, String value) {
            this.environment.put(name, value);
            return this;
        }

        public Builder logLevel(LogLevel logLevel) {
            this.logLevel = Objects.requireNonNull(logLevel);
            return this;
        }

        public Builder failurePolicy(FailurePolicy failurePolicy) {
            this.failurePolicy = Objects.requireNonNull(failurePolicy);
            return this;
        }

        public Builder callbackDeadline(Duration deadline) {
            this.callbackDeadline = Objects.requireNonNull(deadline);
            return this;
        }

        public Builder memoryLimitPages(int pages) {
            if (pages < 1 || pages > 65536) {
                throw new IllegalArgumentException("memory limit must be 1..65536 pages, got " + pages);
            }
            this.memoryLimitPages = pages;
            return this;
        }

        public PluginConfig build() {
            return new PluginConfig(this);
        }
    }
}
