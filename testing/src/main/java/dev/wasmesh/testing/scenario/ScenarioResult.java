package dev.wasmesh.testing.scenario;

import java.time.Duration;
import java.util.List;

/**
 * How a scenario went.
 *
 * @param details why it failed, one line each, indented to show structure (empty when it passed)
 * @param logTail the filter's last log lines, to help explain a failure
 */
public record ScenarioResult(
        Scenario scenario, boolean passed, List<String> details, List<String> logTail, Duration time) {
    public ScenarioResult {
        details = List.copyOf(details);
        logTail = List.copyOf(logTail);
    }
}
