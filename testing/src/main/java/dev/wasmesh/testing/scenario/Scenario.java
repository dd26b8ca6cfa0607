package dev.wasmesh.testing.scenario;

import java.nio.file.Path;
import java.util.List;

/**
 * One scenario from a scenario file: how to start the filter, and the steps to run.
 *
 * @param line where the scenario starts in {@code file}
 * @param then the further filters of the chain, in order
 * @param expectStartFailure if not null, the scenario expects the plugin to fail to start with a message
 *     containing this text, and has no steps to run
 */
public record Scenario(
        Path file,
        int line,
        String name,
        Path filter,
        PluginSettings settings,
        List<ChainedPlugin> then,
        String expectStartFailure,
        List<Step> steps) {
    public Scenario {
        then = List.copyOf(then);
        steps = List.copyOf(steps);
    }
}
