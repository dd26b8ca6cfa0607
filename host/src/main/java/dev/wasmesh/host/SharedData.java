package dev.wasmesh.host;

import dev.wasmesh.host.abi.AbiException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Process-wide key/value store with compare-and-swap, shared by every VM, as Envoy's shared data is. */
public final class SharedData {
    /** A value and the CAS token that must be presented to overwrite it. */
    public static final class Entry {
        private final byte[] value;
        private final int cas;

        Entry(byte[] value, int cas) {
            this.value = value;
            this.cas = cas;
        }

        public byte[] value() {
            return value.clone();
        }

        public int cas() {
            return cas;
        }
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private int nextCas = 1;

    public Optional<Entry> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    /** Stores {@code value}; a non-zero {@code cas} must match the current token or CAS_MISMATCH is thrown. */
    public synchronized void set(String key, byte[] value, int cas) {
        Entry current = entries.get(key);
        if (cas != 0 && current != null && current.cas != cas) {
            throw AbiException.CAS_MISMATCH;
        }
        int token = nextCas++;
        if (nextCas == 0) {
            nextCas = 1; // zero means "unconditional" and is never handed out
        }
        entries.put(key, new Entry(value.clone(), token));
    }

    public Map<String, Entry> snapshot() {
        return Map.copyOf(entries);
    }
}
