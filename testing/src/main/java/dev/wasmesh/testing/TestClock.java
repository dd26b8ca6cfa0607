package dev.wasmesh.testing;

import dev.wasmesh.host.HostClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A clock that only moves when the test moves it, or a filter sleeps. Wall time starts at {@link #DEFAULT_START} (or
 * the instant given) and monotonic time at {@link #MONOTONIC_START}; {@link #advance} moves both, {@link #setWallTime}
 * only the wall clock, as a system clock adjustment would.
 */
public final class TestClock implements HostClock {
    /** A fixed, recognisable start so filters that print or compare times give repeatable results. */
    public static final Instant DEFAULT_START = Instant.parse("2025-01-01T00:00:00Z");
    /**
     * Where monotonic time starts: never 0, as with Envoy's steady clock (Go's runtime stops with "nanotime returning
     * zero" on a clock that reads 0).
     */
    public static final Duration MONOTONIC_START = Duration.ofSeconds(1);

    private long realtimeNanos;
    private long monotonicNanos = MONOTONIC_START.toNanos();

    public TestClock() {
        this(DEFAULT_START);
    }

    public TestClock(Instant start) {
        setWallTime(start);
    }

    @Override
    public synchronized long realtimeNanos() {
        return realtimeNanos;
    }

    @Override
    public synchronized long monotonicNanos() {
        return monotonicNanos;
    }

    /**
     * A filter that sleeps (WASI poll_oneoff with a clock subscription, Go's time.Sleep) moves this clock forward to
     * the end of its sleep at once, as if the time had passed; a tick that falls due meanwhile fires at the next
     * advanceClock.
     */
    @Override
    public synchronized void sleepUntil(long deadlineNanos) {
        if (deadlineNanos > monotonicNanos) {
            advance(Duration.ofNanos(deadlineNanos - monotonicNanos));
        }
    }

    /** Moves wall and monotonic time forward; timers are not fired (use the harness's advanceClock for that). */
    public synchronized void advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("a clock cannot go back: " + by);
        }
        long nanos = by.toNanos();
        realtimeNanos += nanos;
        monotonicNanos += nanos;
    }

    /** Sets the wall clock only; monotonic time is unaffected, as with a real clock adjustment. */
    public synchronized void setWallTime(Instant instant) {
        Objects.requireNonNull(instant);
        realtimeNanos = Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    }

    /** The wall time filters see now. */
    public synchronized Instant now() {
        return Instant.ofEpochSecond(0, realtimeNanos);
    }
}
