package dev.wasmesh.testing;

import dev.wasmesh.host.HostClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A clock that only moves when the test moves it. Wall time starts at {@link #DEFAULT_START} (or the instant
 * given) and monotonic time at zero; {@link #advance} moves both, {@link #setWallTime} only the wall clock, as a
 * system clock adjustment would.
 */
public final class TestClock implements HostClock {
    /** A fixed, recognisable start so filters that print or compare times give repeatable results. */
    public static final Instant DEFAULT_START = Instant.parse("2025-01-01T00:00:00Z");

    private long realtimeNanos;
    private long monotonicNanos;

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
        realtimeNanos = Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L),
                instant.getNano());
    }

    /** The wall time filters see now. */
    public synchronized Instant now() {
        return Instant.ofEpochSecond(0, realtimeNanos);
    }
}
