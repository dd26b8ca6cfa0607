package dev.wasmesh.proxy;

import dev.wasmesh.host.LogSink;
import dev.wasmesh.host.PluginConfig;
import dev.wasmesh.host.abi.LogLevel;
import java.io.PrintStream;

/**
 * The proxy's log: its own messages and the filters' logs go to stderr at or above a level that /logging can
 * change at run time; access-log lines and the ready line go to stdout. Access-log lines are buffered, as Envoy
 * buffers its access-log files, so that requests do not each pay for a write to stdout.
 */
public final class ProxyLog implements LogSink {
    /** Buffered access-log text is written once it reaches this size, or at the next {@link #flush}. */
    private static final int FLUSH_CHARS = 64 * 1024;

    private final PrintStream out;
    private final PrintStream err;
    /** Guards {@link #pending}; held only to append or to swap the buffer, never while writing. */
    private final Object buffer = new Object();
    /** Orders the writes to stdout. */
    private final Object writing = new Object();
    private StringBuilder pending = new StringBuilder(FLUSH_CHARS + 512);
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

    /** stdout, after the access-log lines before it; never filtered by level. */
    public void stdout(String line) {
        synchronized (writing) {
            flush();
            out.println(line);
        }
    }

    /**
     * An access-log line for stdout, formatted straight into the buffer: it waits there until {@link #flush} (the
     * proxy calls it every 100 ms) or until the buffer is full.
     */
    void access(AccessLog.Entry entry) {
        boolean full;
        synchronized (buffer) {
            AccessLog.appendTo(pending, entry);
            pending.append(System.lineSeparator());
            full = pending.length() >= FLUSH_CHARS;
        }
        if (full) {
            flush();
        }
    }

    /** Writes the buffered access-log lines to stdout; other workers keep appending to a fresh buffer meanwhile. */
    public void flush() {
        synchronized (writing) {
            StringBuilder lines;
            synchronized (buffer) {
                if (pending.length() == 0) {
                    return;
                }
                lines = pending;
                pending = new StringBuilder(FLUSH_CHARS + 512);
            }
            out.append(lines);
            out.flush();
        }
    }
}
