package dev.wasmesh.host;

import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

/** Wall and monotonic time as the filter sees it; replaceable so tests can control time. */
public interface HostClock {
    long realtimeNanos();

    long monotonicNanos();

    /**
     * Waits until monotonic time reaches {@code deadlineNanos}; WASI {@code poll_oneoff}'s clock subscriptions (Go's
     * {@code time.Sleep} and timers) wait here. Returns early, the interrupt still set, when the thread is
     * interrupted (the callback deadline), so the guest stops at its next check.
     */
    default void sleepUntil(long deadlineNanos) {
        long left;
        while ((left = deadlineNanos - monotonicNanos()) > 0
                && !Thread.currentThread().isInterrupted()) {
            LockSupport.parkNanos(left);
        }
    }

    HostClock SYSTEM = new HostClock() {
        @Override
        public long realtimeNanos() {
            Instant now = Instant.now();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }

        @Override
        public long monotonicNanos() {
            return System.nanoTime();
        }
    };
}
