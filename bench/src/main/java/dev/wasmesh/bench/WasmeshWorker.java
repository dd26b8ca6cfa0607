package dev.wasmesh.bench;

import dev.wasmesh.host.HostEnvironment;
import dev.wasmesh.host.HttpContext;
import dev.wasmesh.host.PluginConfig;
import dev.wasmesh.host.RootContext;
import dev.wasmesh.host.WasmVm;
import dev.wasmesh.host.module.ModuleLoadException;
import dev.wasmesh.host.module.ProxyWasmModule;
import dev.wasmesh.host.stream.HeaderMap;
import java.time.Duration;

/** One worker's VM on the wasmesh host with its plugin's root context, serving requests one at a time. */
public final class WasmeshWorker {
    private final WasmVm vm;
    private final RootContext root;

    private WasmeshWorker(ProxyWasmModule module, Duration callbackDeadline) {
        // Logs are discarded, as the roastedroot worker does; the host still formats and filters them.
        HostEnvironment env = new HostEnvironment().logSink((level, plugin, message) -> {});
        PluginConfig.Builder builder =
                PluginConfig.builder().name("bench").rootId("bench").vmId("bench");
        if (callbackDeadline != null) {
            builder.callbackDeadline(callbackDeadline);
        }
        PluginConfig config = builder.build();
        this.vm = WasmVm.create(module, env, config);
        this.root = vm.createRootContext(config);
    }

    public static ProxyWasmModule compile(ExampleFilter filter, ProxyWasmModule.Engine engine) {
        return compile(filter.directory(), filter.wasm(), engine);
    }

    /** Without the code cache: CompileBench measures the compiler, and roastedroot has no cache. */
    public static ProxyWasmModule compile(String name, byte[] wasm, ProxyWasmModule.Engine engine) {
        try {
            return ProxyWasmModule.fromBytes(name, wasm, engine, null);
        } catch (ModuleLoadException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Instantiates the compiled module and starts the plugin: what a new worker thread does. */
    public static WasmeshWorker start(ProxyWasmModule module) {
        return new WasmeshWorker(module, null);
    }

    /**
     * The same with another callback deadline: a Go filter's first requests run interpreted and, on a loaded
     * machine, can pass the default second.
     */
    public static WasmeshWorker start(ProxyWasmModule module, Duration callbackDeadline) {
        return new WasmeshWorker(module, callbackDeadline);
    }

    /**
     * One request's lifecycle on fresh sample headers: create the HTTP context, request headers, response headers,
     * then done, log and delete. Returns the response headers as the filter left them.
     */
    public HeaderMap serve() {
        HeaderMap response = HeaderMap.of(SampleExchange.RESPONSE_HEADERS);
        serve(HeaderMap.of(SampleExchange.REQUEST_HEADERS), response);
        return response;
    }

    /** The same lifecycle on the given maps, which the filter changes in place. */
    void serve(HeaderMap request, HeaderMap response) {
        HttpContext http = root.newHttpContext();
        http.onRequestHeaders(request, true);
        http.onResponseHeaders(response, true);
        http.finish();
    }

    WasmVm vm() {
        return vm;
    }

    /** Ends the worker's VM, as the proxy does when a worker's plugin is replaced or fails. */
    public void close() {
        vm.close();
    }
}
