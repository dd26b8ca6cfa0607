package dev.wasmesh.testing.scenario;

import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.host.module.ProxyWasmModule;
import dev.wasmesh.host.stream.StreamInfo;
import dev.wasmesh.testing.HarnessBuilder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * How a scenario configures the filter, mapped onto {@link HarnessBuilder}.
 *
 * @param engine null for the default (or the command line's choice)
 * @param clusters null to accept any cluster name
 * @param foreignFunctions name to behaviour: {@code echo} returns the arguments, anything else is returned as is
 */
public record PluginSettings(
        ProxyWasmModule.Engine engine,
        String rootId,
        String vmId,
        String pluginName,
        String pluginConfig,
        String vmConfig,
        LogLevel logLevel,
        Map<String, String> properties,
        Map<String, String> environment,
        List<String> clusters,
        Map<String, ForeignFunctionSpec> foreignFunctions,
        StreamFacts streamFacts) {
    /** What a foreign function declared in a scenario does. */
    public record ForeignFunctionSpec(boolean echo, String returns) {}

    /** Stream facts every stream of the scenario starts with; addresses are "host:port". */
    public record StreamFacts(
            String source,
            String destination,
            String upstream,
            String protocol,
            String clusterName,
            String routeName,
            long connectionId) {
        StreamInfo toStreamInfo(long startTimeNanos) {
            StreamInfo info = new StreamInfo()
                    .startTimeNanos(startTimeNanos)
                    .connectionId(connectionId)
                    .route(clusterName, routeName);
            if (!protocol.isEmpty()) {
                info.protocol(protocol);
            }
            if (!source.isEmpty()) {
                info.source(host(source), port(source));
            }
            if (!destination.isEmpty()) {
                info.destination(host(destination), port(destination));
            }
            if (!upstream.isEmpty()) {
                info.upstream(host(upstream), port(upstream));
            }
            return info;
        }

        private static String host(String address) {
            return address.substring(0, address.lastIndexOf(':'));
        }

        private static int port(String address) {
            return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        }
    }

    HarnessBuilder apply(HarnessBuilder b, ProxyWasmModule.Engine override) {
        engine(b, override);
        b.rootId(rootId)
                .vmId(vmId)
                .pluginName(pluginName)
                .pluginConfig(pluginConfig)
                .vmConfig(vmConfig)
                .logLevel(logLevel)
                .environment(environment);
        properties.forEach(b::property);
        if (clusters != null) {
            b.clusters(clusters.toArray(String[]::new));
        }
        foreignFunctions.forEach((name, spec) -> b.foreignFunction(
                name, (args, caller) -> spec.echo() ? args : spec.returns().getBytes(StandardCharsets.UTF_8)));
        return b;
    }

    /** Sets the engine of one plugin of the chain: the command line's choice, else the scenario's. */
    HarnessBuilder engine(HarnessBuilder b, ProxyWasmModule.Engine override) {
        ProxyWasmModule.Engine e = override != null ? override : engine;
        if (e != null) {
            b.engine(e);
        }
        return b;
    }
}
