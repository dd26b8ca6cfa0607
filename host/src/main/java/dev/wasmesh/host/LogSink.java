package dev.wasmesh.host;

import dev.wasmesh.host.abi.LogLevel;

/** Where filter logs go (proxy_log and WASI stdout/stderr). Called on the VM's thread. */
@FunctionalInterface
public interface LogSink {
    void log(LogLevel level, PluginConfig plugin, String message);

    /** Writes "[level] plugin: message" lines to stderr. */
    LogSink STDERR = (level, plugin, message) ->
            System.err.println("[" + level.lowerName() + "] wasm " + pluginLabel(plugin) + ": " + message);

    static String pluginLabel(PluginConfig plugin) {
        if (plugin == null) {
            return "vm";
        }
        return plugin.name().isEmpty() ? plugin.rootId() : plugin.name();
    }
}
