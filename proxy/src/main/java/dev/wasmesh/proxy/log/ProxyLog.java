package dev.wasmesh.proxy.log;

import dev.wasmesh.host.LogSink;
import dev.wasmesh.host.PluginConfig;
import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.host.stream.HeaderMap;
import java.io.PrintStream;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

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
    /** Orders the writes to stdout. */
    private final Object writing = new Object();

    private final Queue<Lines> buffers = new ConcurrentLinkedQueue<>();
    private final ThreadLocal<Lines> threadBuffer = ThreadLocal.withInitial(() -> {
        Lines l = new Lines();
        buffers.add(l);
        return l;
    });
    private volatile LogLevel level;

    /**
     * One thread's pending lines, and a second buffer to swap in when they are written (two per thread, reused: a
     * flush allocates nothing). The lock is held only to append or to swap, never while writing.
     */
    private static final class Lines {
        StringBuilder text = new StringBuilder(FLUSH_CHARS + 512);
        StringBuilder spare = new StringBuilder(FLUSH_CHARS + 512);
    }

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
    public void access(AccessLog.Entry entry) {
        Lines lines = threadBuffer.get();
        boolean full;
        synchronized (lines) {
            AccessLog.appendTo(lines.text, entry);
            lines.text.append(System.lineSeparator());
            full = lines.text.length() >= FLUSH_CHARS;
        }
        if (full) {
            flush();
        }
    }

    /** Writes the buffered access-log lines to stdout; workers keep appending to their spare buffers meanwhile. */
    public void flush() {
        synchronized (writing) { // only here are buffers swapped, so each thread's spare is back before the next
            boolean wrote = false;
            for (Lines l : buffers) {
                StringBuilder text;
                synchronized (l) {
                    if (l.text.length() == 0) {
                        continue;
                    }
                    text = l.text;
                    l.text = l.spare;
                }
                // As bytes: the header fields in the lines are byte strings, written as they arrived, as Envoy does.
                byte[] bytes = text.toString().getBytes(HeaderMap.BYTES);
                out.write(bytes, 0, bytes.length);
                text.setLength(0);
                synchronized (l) {
                    l.spare = text;
                }
                wrote = true;
            }
            if (wrote) {
                out.flush();
            }
        }
    }
}
