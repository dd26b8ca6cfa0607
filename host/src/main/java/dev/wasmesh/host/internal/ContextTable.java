package dev.wasmesh.host.internal;

import dev.wasmesh.host.Context;

/**
 * A VM's live contexts by id: an open-addressing table with int keys. Every request puts and removes one context,
 * and a {@code HashMap<Integer, Context>} boxed the id and allocated a node for each. Not thread-safe, like the VM.
 */
public final class ContextTable {
    private Context[] slots = new Context[16]; // a power of two, at most half full
    private int size;

    public int size() {
        return size;
    }

    public Context get(int id) {
        int mask = slots.length - 1;
        for (int i = id & mask; ; i = (i + 1) & mask) {
            Context c = slots[i];
            if (c == null || c.id() == id) {
                return c;
            }
        }
    }

    /** Adds {@code ctx}; ids are unique within a VM, so it is never already present. */
    public void put(Context ctx) {
        if (2 * (size + 1) > slots.length) {
            Context[] old = slots;
            slots = new Context[old.length * 2];
            for (Context c : old) {
                if (c != null) {
                    insert(c);
                }
            }
        }
        insert(ctx);
        size++;
    }

    private void insert(Context ctx) {
        int mask = slots.length - 1;
        int i = ctx.id() & mask;
        while (slots[i] != null) {
            i = (i + 1) & mask;
        }
        slots[i] = ctx;
    }

    public void remove(int id) {
        int mask = slots.length - 1;
        int i = id & mask;
        while (slots[i] != null && slots[i].id() != id) {
            i = (i + 1) & mask;
        }
        if (slots[i] == null) {
            return;
        }
        slots[i] = null;
        size--;
        // Move back the entries after the hole that would no longer be found from their home slot.
        for (int j = (i + 1) & mask; slots[j] != null; j = (j + 1) & mask) {
            Context c = slots[j];
            int home = c.id() & mask;
            boolean reachable = i <= j ? (home > i && home <= j) : (home > i || home <= j);
            if (!reachable) {
                slots[i] = c;
                slots[j] = null;
                i = j;
            }
        }
    }
}
