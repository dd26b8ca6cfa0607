package dev.wasmesh.testing.scenario;

import java.util.List;

/** One expectation of a step, checked against the harness after the step's action. */
interface Check {
    /** Where the expectation is written. */
    int line();

    /**
     * Adds a {@link Mismatch} for each way the actual state differs.
     *
     * @param direction the direction the step worked on (its own, or the stream's latest)
     */
    void verify(RunState state, Direction direction, List<Mismatch> out);
}
