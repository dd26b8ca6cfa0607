package dev.wasmesh.proxy.config;

import java.util.Objects;

/**
 * A wasm service (Envoy's {@code bootstrap_extensions} {@code envoy.bootstrap.wasm}): a plugin with a root context
 * and no stream of its own, for background work (timers, shared queues, call-outs). A singleton runs once, on the
 * main thread; otherwise one runs on every worker, in the VMs the worker's filters use when the VM key matches.
 */
public record WasmServiceConfig(FilterConfig plugin, boolean singleton) {
    public WasmServiceConfig {
        Objects.requireNonNull(plugin);
    }
}
