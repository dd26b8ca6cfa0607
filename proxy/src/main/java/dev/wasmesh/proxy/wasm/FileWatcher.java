package dev.wasmesh.proxy.wasm;

import dev.wasmesh.proxy.config.FilterConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Polls the chain's local filter files and reports one that changed once it has stayed the same for one more
 * poll, so a file still being written is not loaded half-way. Polling also sees files replaced by rename.
 */
public final class FileWatcher implements AutoCloseable {
    private static final long POLL_MILLIS = 250;

    private record Stamp(long modified, long size) {}

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "wasmesh-watch");
        t.setDaemon(true);
        return t;
    });
    private final Map<Path, Stamp> loaded = new HashMap<>();
    private final Map<Path, Stamp> seen = new HashMap<>();
    private final Consumer<Path> onChange;

    private FileWatcher(Consumer<Path> onChange) {
        this.onChange = onChange;
    }

    public static FileWatcher start(List<FilterConfig> filters, Consumer<Path> onChange) {
        FileWatcher w = new FileWatcher(onChange);
        for (FilterConfig f : filters) {
            Path p = f.localFile();
            if (p != null) {
                w.loaded.put(p, stamp(p));
                w.seen.put(p, stamp(p));
            }
        }
        w.timer.scheduleWithFixedDelay(w::poll, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
        return w;
    }

    private static Stamp stamp(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            return new Stamp(a.lastModifiedTime().toMillis(), a.size());
        } catch (IOException e) {
            return null;
        }
    }

    private void poll() {
        for (Map.Entry<Path, Stamp> e : loaded.entrySet()) {
            Path p = e.getKey();
            Stamp now = stamp(p);
            Stamp previous = seen.put(p, now);
            if (now != null && Objects.equals(now, previous) && !now.equals(e.getValue())) {
                e.setValue(now);
                onChange.accept(p);
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
