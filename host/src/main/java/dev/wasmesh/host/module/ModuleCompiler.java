package dev.wasmesh.host.module;

import com.dylibso.chicory.compiler.Cache;
import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.WasmModule;
import java.util.Arrays;
import java.util.function.Function;
import org.objectweb.asm.MethodTooLargeException;

/**
 * A module's compiled code: Chicory's compiler driven the one way wasmesh drives it, and the {@link CodeCache} entry
 * that keeps what it produced.
 */
final class ModuleCompiler {
    private ModuleCompiler() {}

    /** The machines of code taken from the cache. */
    static Function<Instance, Machine> fromStored(WasmModule module, StoredCode stored) {
        return compile(module, InterpreterFallback.WARN, new ChicoryCache(stored.classes()));
    }

    /**
     * Compiles every function to JVM bytecode, or, where a function's bytecode would exceed the JVM's method size
     * limit, compiles the rest and leaves that function to the interpreter. A module whose functions all compiled
     * is stored with a mark that its function bodies are not needed again.
     */
    static Function<Instance, Machine> compileAndStore(String name, WasmModule module, CodeCache cache, String sha256)
            throws ModuleLoadException {
        try {
            if (sha256 == null) {
                // Nothing is stored, so whether some functions are interpreted matters to no one.
                return compile(module, InterpreterFallback.WARN, null);
            }
            try {
                return compile(module, InterpreterFallback.FAIL, new ChicoryCache(cache, sha256, false));
            } catch (ChicoryException e) {
                if (!(e.getCause() instanceof MethodTooLargeException)) {
                    throw e;
                }
                return compile(module, InterpreterFallback.WARN, new ChicoryCache(cache, sha256, true));
            }
        } catch (ChicoryException | IllegalArgumentException | IllegalStateException e) {
            throw new ModuleLoadException(name + ": cannot compile module: " + e.getMessage(), e);
        }
    }

    private static Function<Instance, Machine> compile(WasmModule module, InterpreterFallback fallback, Cache cache) {
        // The options here are part of what a cache entry holds: change them and bump CodeCache.FORMAT.
        return MachineFactoryCompiler.builder(module)
                .withInterpreterFallback(fallback)
                .withCache(cache)
                .compile();
    }

    /**
     * A cache entry's payload: one byte saying whether some functions run in the interpreter (and so need their
     * bodies), then the classes Chicory's compiler produced.
     */
    record StoredCode(boolean interpreted, byte[] classes) {
        static StoredCode of(byte[] payload) {
            if (payload == null || payload.length < 2 || (payload[0] & 0xFE) != 0) {
                return null;
            }
            return new StoredCode(payload[0] == 1, Arrays.copyOfRange(payload, 1, payload.length));
        }

        static byte[] payload(boolean interpreted, byte[] classes) {
            byte[] out = new byte[classes.length + 1];
            out[0] = (byte) (interpreted ? 1 : 0);
            System.arraycopy(classes, 0, out, 1, classes.length);
            return out;
        }
    }

    /**
     * Chicory's hook for compiled code, for one load: hands over the classes already stored, or stores what the
     * compiler produced. The key is ours: Chicory's own (the module digest) lacks the versions.
     */
    private static final class ChicoryCache implements Cache {
        private final CodeCache cache;
        private final String sha256;
        private final boolean interpreted;
        private final byte[] classes;

        /** Hands over stored classes. */
        ChicoryCache(byte[] classes) {
            this(null, null, false, classes);
        }

        /** Stores what the compiler produces. */
        ChicoryCache(CodeCache cache, String sha256, boolean interpreted) {
            this(cache, sha256, interpreted, null);
        }

        private ChicoryCache(CodeCache cache, String sha256, boolean interpreted, byte[] classes) {
            this.cache = cache;
            this.sha256 = sha256;
            this.interpreted = interpreted;
            this.classes = classes;
        }

        @Override
        public byte[] get(String key) {
            return classes;
        }

        @Override
        public void putIfAbsent(String key, byte[] data) {
            if (cache == null) {
                // Handing over stored classes, Chicory compiled instead: with a module that may have no function
                // bodies, that code would be wrong. The caller compiles the whole module afresh.
                throw new IllegalStateException("the stored code was not taken");
            }
            cache.write(sha256, StoredCode.payload(interpreted, data));
        }
    }
}
