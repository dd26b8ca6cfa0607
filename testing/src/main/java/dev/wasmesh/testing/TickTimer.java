package dev.wasmesh.testing;

import dev.wasmesh.host.HostClock;
import dev.wasmesh.host.RootContext;
import dev.wasmesh.host.TimerListener;
import java.time.Duration;

/** Remembers the tick period the filter asked for and when its next tick is due on the test clock. */
final class TickTimer implements TimerListener {
    private final HostClock clock;
    private long periodMillis;
    private long nextDueNanos = Long.MAX_VALUE;

    TickTimer(HostClock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized void tickPeriodChanged(RootContext root, long periodMillis) {
        this.periodMillis = periodMillis;
        nextDueNanos = periodMillis == 0
                ? Long.MAX_VALUE
                : clock.monotonicNanos() + Duration.ofMillis(periodMillis).toNanos();
    }

    synchronized Duration period() {
        return Duration.ofMillis(periodMillis);
    }

    /** Monotonic time of the next tick, or MAX_VALUE if no timer is set. */
    synchronized long nextDueNanos() {
        return nextDueNanos;
    }

    /** Called after a tick fired at its due time: the following one is a period later. */
    synchronized void fired(long atNanos) {
        if (periodMillis > 0 && nextDueNanos <= atNanos) {
            nextDueNanos = atNanos + Duration.ofMillis(periodMillis).toNanos();
        }
    }
}
