package dev.wasmesh.testing;

import dev.wasmesh.host.LogSink;
import dev.wasmesh.host.PluginConfig;
import dev.wasmesh.host.abi.LogLevel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Keeps every log line a filter wrote: proxy_log calls, and WASI stdout (as INFO) and stderr (as ERROR) lines, which
 * the host turns into logs the way Envoy does. Only lines at or above the plugin's log level arrive here.
 */
public final class LogRecorder implements LogSink {
    /** One log line. */
    public record Entry(LogLevel level, String plugin, String message) {
        public Entry {
            Objects.requireNonNull(level);
            Objects.requireNonNull(message);
        }

        @Override
        public String toString() {
            return "[" + level.lowerName() + "] " + message;
        }
    }

    private final List<Entry> entries = new ArrayList<>();
    private volatile boolean echo;

    @Override
    public synchronized void log(LogLevel level, PluginConfig plugin, String message) {
        Entry e = new Entry(level, LogSink.pluginLabel(plugin), message);
        entries.add(e);
        if (echo) {
            System.err.println(e.plugin() + " " + e);
        }
    }

    /** Also print each line to stderr as it arrives (handy while writing a test). */
    public LogRecorder echo(boolean echo) {
        this.echo = echo;
        return this;
    }

    public synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** Messages logged at exactly {@code level}, oldest first. */
    public synchronized List<String> messages(LogLevel level) {
        return entries.stream()
                .filter(e -> e.level() == level)
                .map(Entry::message)
                .collect(Collectors.toList());
    }

    /** Every message at any level, oldest first. */
    public synchronized List<String> messages() {
        return entries.stream().map(Entry::message).collect(Collectors.toList());
    }

    /** Whether some message at exactly {@code level} contains {@code text}. */
    public synchronized boolean contains(LogLevel level, String text) {
        return entries.stream().anyMatch(e -> e.level() == level && e.message().contains(text));
    }

    /** Whether some message at any level contains {@code text}. */
    public synchronized boolean contains(String text) {
        return entries.stream().anyMatch(e -> e.message().contains(text));
    }

    public synchronized void clear() {
        entries.clear();
    }

    @Override
    public synchronized String toString() {
        return entries.stream().map(Entry::toString).collect(Collectors.joining("\n"));
    }
}
