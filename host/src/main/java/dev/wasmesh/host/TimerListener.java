package dev.wasmesh.host;

/** Told when a root context changes its tick period, so the embedder can schedule {@link RootContext#tick()}. */
@FunctionalInterface
public interface TimerListener {
    /** @param periodMillis the new period; 0 stops the timer */
    void tickPeriodChanged(RootContext root, long periodMillis);

    TimerListener NONE = (root, periodMillis) -> {};
}
