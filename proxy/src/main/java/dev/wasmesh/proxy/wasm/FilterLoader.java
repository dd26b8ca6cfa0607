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

/** Fetches, checks and compiles the filters' modules: every one at start, those of a changed file on reload. */
public final class FilterLoader {
    private final ModuleSources sources;

    public FilterLoader(ModuleSources sources) {
        this.sources = sources;
    }

    public LoadedFilter load(FilterConfig f) throws IOException, ModuleLoadException {
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
