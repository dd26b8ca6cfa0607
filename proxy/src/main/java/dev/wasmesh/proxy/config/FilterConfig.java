package dev.wasmesh.proxy.config;

import dev.wasmesh.host.PluginConfig;

/**
 * One wasm filter of the chain: where its code comes from (a location that a {@link ModuleSource} fetches, or
 * inline bytes) and the plugin settings.
 */
public record FilterConfig(String location, byte[] inlineCode, String sha256, PluginConfig plugin) {
    public static FilterConfig at(String location, String sha256, PluginConfig plugin) {
        return new FilterConfig(location, null, sha256, plugin);
    }

    public static FilterConfig inline(String label, byte[] code, PluginConfig plugin) {
        return new FilterConfig(label, code.clone(), null, plugin);
    }

    /** A local file the proxy can watch for changes, or null. */
    public java.nio.file.Path localFile() {
        return inlineCode == null && LocalFileSource.isLocal(location) ? LocalFileSource.path(location) : null;
    }
}
