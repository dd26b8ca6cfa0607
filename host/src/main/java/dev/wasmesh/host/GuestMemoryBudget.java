package dev.wasmesh.host;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes all guests of the process hold in the JVM heap, counted against {@link GuestLimits#GUEST_MEMORY_BYTES}
 * before the heap is asked for them. A reservation that would pass the budget is refused, so a guest's
 * {@code memory.grow} answers -1 (as a full address space does in Envoy) instead of the JVM running out of heap.
 */
public final class GuestMemoryBudget {
    /** The process-wide budget every VM draws from. */
    public static final GuestMemoryBudget PROCESS = new GuestMemoryBudget(GuestLimits.GUEST_MEMORY_BYTES);

    private final long limit;
    private final AtomicLong used = new AtomicLong();

    public GuestMemoryBudget(long limitBytes) {
        this.limit = limitBytes;
    }

    /** Takes {@code bytes} from the budget; false, taking nothing, if that would pass the limit. */
    public boolean tryReserve(long bytes) {
        long now;
        do {
            now = used.get();
            if (bytes > limit - now) {
                return false;
            }
        } while (!used.compareAndSet(now, now + bytes));
        return true;
    }

    public void release(long bytes) {
        used.addAndGet(-bytes);
    }

    public long used() {
        return used.get();
    }

    public long limit() {
        return limit;
    }
}
