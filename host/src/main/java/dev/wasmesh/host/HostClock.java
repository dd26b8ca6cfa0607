package dev.wasmesh.host;

import java.time.Instant;

/** Wall and monotonic time as the filter sees it; replaceable so tests can control time. */
public interface HostClock {
    long realtimeNanos();

    long monotonicNanos();

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
