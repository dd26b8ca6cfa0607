package dev.wasmesh.host.shared;

import dev.wasmesh.host.GuestMemoryBudget;
import dev.wasmesh.host.abi.AbiException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Process-wide key/value store with compare-and-swap, shared by every VM, as Envoy's shared data is. What it holds
 * is reserved from the guest memory budget: a store that would pass it answers INTERNAL_FAILURE.
 */
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

    private static final int ENTRY_OVERHEAD = 64; // the map node, the entry and the two arrays' headers, roughly

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final GuestMemoryBudget budget;
    private int nextCas = 1;

    public SharedData() {
        this(GuestMemoryBudget.PROCESS);
    }

    public SharedData(GuestMemoryBudget budget) {
        this.budget = budget;
    }

    private static long size(String key, byte[] value) {
        return 2L * key.length() + value.length + ENTRY_OVERHEAD;
    }

    public Optional<Entry> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    /** Stores {@code value}; a non-zero {@code cas} must match the current token or CAS_MISMATCH is thrown. */
    public synchronized void set(String key, byte[] value, int cas) {
        Entry current = entries.get(key);
        if (cas != 0 && current != null && current.cas != cas) {
            throw AbiException.CAS_MISMATCH;
        }
        long grows = size(key, value) - (current == null ? 0 : size(key, current.value));
        if (grows > 0 && !budget.tryReserve(grows)) {
            throw AbiException.INTERNAL_FAILURE;
        }
        if (grows < 0) {
            budget.release(-grows);
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
