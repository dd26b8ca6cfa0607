package dev.wasmesh.proxy;

import dev.wasmesh.host.PluginConfig;
import dev.wasmesh.host.ProxyWasmModule;

/** A filter whose module has been fetched, checked and compiled once; each worker instantiates it. */
record LoadedFilter(FilterConfig config, ProxyWasmModule module, byte[] code) {
    PluginConfig plugin() {
        return config.plugin();
    }

    /** The name access logs and stats use: the plugin name, else the root id, else the module's file name. */
    String label() {
        PluginConfig p = config.plugin();
        return !p.name().isEmpty() ? p.name() : !p.rootId().isEmpty() ? p.rootId() : module.name();
    }
}
