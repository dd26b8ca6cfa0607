package dev.wasmesh.testing.scenario;

import java.util.List;

/**
 * One step of a scenario: an action on a named stream (default "main") and the expectations checked after it.
 *
 * @param index 1-based position in the scenario
 * @param line where the step starts in the file
 * @param label the action's key (e.g. {@code requestHeaders}), for messages
 */
record Step(int index, int line, String label, String stream, StepAction action, List<Check> checks) {
    /** The default stream's name. */
    static final String MAIN_STREAM = "main";

    Step {
        checks = List.copyOf(checks);
    }

    /** Whether the step says the filter fails here (then a failure is not itself a mismatch). */
    boolean expectsFailure() {
        return checks.stream().anyMatch(c -> c instanceof Checks.Failure);
    }
}
