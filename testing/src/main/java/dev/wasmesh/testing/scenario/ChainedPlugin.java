package dev.wasmesh.testing.scenario;

import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.testing.HarnessBuilder;
import java.nio.file.Path;
import java.util.Map;

/**
 * A further filter of a scenario's chain (its {@code then:} list), after the scenario's own filter.
 *
 * @param filter the module; the scenario's own filter when not given
 */
public record ChainedPlugin(
        Path filter,
        String rootId,
        String vmId,
        String pluginName,
        String pluginConfig,
        String vmConfig,
        LogLevel logLevel,
        Map<String, String> environment) {
    HarnessBuilder apply(HarnessBuilder b) {
        return b.rootId(rootId)
                .vmId(vmId)
                .pluginName(pluginName)
                .pluginConfig(pluginConfig)
                .vmConfig(vmConfig)
                .logLevel(logLevel)
                .environment(environment);
    }
}
