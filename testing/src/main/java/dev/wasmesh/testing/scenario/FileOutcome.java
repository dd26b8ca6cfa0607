package dev.wasmesh.testing.scenario;

import java.nio.file.Path;
import java.util.List;

/**
 * What happened to one scenario file: the results of its scenarios, or the error that kept it from running.
 *
 * @param error null unless the file was unreadable or malformed (then {@code results} is empty)
 */
public record FileOutcome(Path file, List<ScenarioResult> results, ScenarioException error) {
    public FileOutcome {
        results = List.copyOf(results);
    }

    public long passed() {
        return results.stream().filter(ScenarioResult::passed).count();
    }

    /** Failed scenarios; a malformed file counts as one failure. */
    public long failed() {
        return error != null ? 1 : results.size() - passed();
    }
}
