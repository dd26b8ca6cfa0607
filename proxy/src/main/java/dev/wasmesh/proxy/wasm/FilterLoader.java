package dev.wasmesh.proxy.wasm;

import dev.wasmesh.host.module.ModuleLoadException;
import dev.wasmesh.host.module.ProxyWasmModule;
import dev.wasmesh.proxy.config.FilterConfig;
import dev.wasmesh.proxy.config.ModuleSources;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Fetches, checks and compiles the filters' modules: every one at start, those of a changed file on reload. */
public final class FilterLoader {
    private final ModuleSources sources;
    /** Loads begun by {@link #loadEarly}, until {@link #load} takes them; used on the starting thread only. */
    private final Map<FilterConfig, Future<LoadedFilter>> early = new IdentityHashMap<>();

    private ExecutorService earlyThread;

    public FilterLoader(ModuleSources sources) {
        this.sources = sources;
    }

    /**
     * Begins loading {@code filters} on a thread of their own, one after the other, so that reading and compiling
     * their modules overlaps the rest of the proxy's start (event loops, the echo upstream); {@link #load} then
     * waits for the one it is asked for.
     */
    public void loadEarly(List<FilterConfig> filters) {
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "wasmesh-module-load");
            t.setDaemon(true);
            return t;
        });
        for (FilterConfig f : filters) {
            early.computeIfAbsent(f, k -> thread.submit(() -> fetchAndCompile(k)));
        }
        thread.shutdown();
        earlyThread = thread;
    }

    /** Stops the loads begun early that nobody took: the proxy did not start, or is closing. */
    public void cancelEarly() {
        early.values().forEach(f -> f.cancel(true));
        early.clear();
        if (earlyThread != null) {
            earlyThread.shutdownNow();
        }
    }

    public LoadedFilter load(FilterConfig f) throws IOException, ModuleLoadException {
        Future<LoadedFilter> started = early.remove(f);
        if (started == null) {
            return fetchAndCompile(f);
        }
        try {
            return started.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while loading " + f.location(), e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof ModuleLoadException m) {
                throw m;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }

    private LoadedFilter fetchAndCompile(FilterConfig f) throws IOException, ModuleLoadException {
        byte[] code = f.inlineCode() != null ? f.inlineCode() : sources.fetch(f.location(), f.sha256());
        String name = f.localFile() != null ? f.localFile().getFileName().toString() : f.location();
        return LoadedFilter.of(f, ProxyWasmModule.fromBytes(name, code), code);
    }

    /** Loads the filters read from {@code file} again, once each however many chains have them. */
    Reload reloading(Path file) {
        return new Reload(file);
    }

    final class Reload {
        private final Path file;
        private final Map<FilterConfig, LoadedFilter> fresh = new IdentityHashMap<>();

        Reload(Path file) {
            this.file = file;
        }

        /** {@code chains} with the filters read from the file replaced by fresh ones. */
        List<List<LoadedFilter>> chains(List<List<LoadedFilter>> chains) throws IOException, ModuleLoadException {
            List<List<LoadedFilter>> next = new ArrayList<>();
            for (List<LoadedFilter> chain : chains) {
                List<LoadedFilter> n = new ArrayList<>();
                for (LoadedFilter f : chain) {
                    FilterConfig fc = f.config();
                    if (!Objects.equals(fc.localFile(), file)) {
                        n.add(f);
                        continue;
                    }
                    LoadedFilter loaded = fresh.get(fc);
                    if (loaded == null) {
                        loaded = load(fc);
                        fresh.put(fc, loaded);
                    }
                    n.add(loaded);
                }
                next.add(n);
            }
            return next;
        }
    }
}
