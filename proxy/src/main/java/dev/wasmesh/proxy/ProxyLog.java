package dev.wasmesh.proxy;

import dev.wasmesh.host.LogSink;
import dev.wasmesh.host.PluginConfig;
import dev.wasmesh.host.abi.LogLevel;
import java.io.PrintStream;

/**
 * The proxy's log: its own messages and the filters' logs go to stderr at or above a level that /logging can
 * change at run time; access-log lines and the ready line go to stdout.
 */
public final class ProxyLog implements LogSink {
    private final PrintStream out;
    private final PrintStream err;
    private volatile LogLevel level;

    public ProxyLog(LogLevel level, PrintStream out, PrintStream err) {
        this.level = level;
        this.out = out;
        this.err = err;
    }

    public LogLevel level() {
        return level;
    }

    public void level(LogLevel level) {
        this.level = level;
    }

    @Override
    public void log(LogLevel lvl, PluginConfig plugin, String message) {
        if (lvl.compareTo(level) >= 0) {
            err.println("[" + lvl.lowerName() + "] wasm " + LogSink.pluginLabel(plugin) + ": " + message);
        }
    }

    public void proxy(LogLevel lvl, String message) {
        if (lvl.compareTo(level) >= 0) {
            err.println("[" + lvl.lowerName() + "] " + message);
        }
    }

    /** stdout: the ready line and access-log lines, never filtered by level. */
    public void stdout(String line) {
        out.println(line);
    }
}
