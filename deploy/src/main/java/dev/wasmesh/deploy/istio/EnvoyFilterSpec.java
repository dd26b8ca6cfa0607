package dev.wasmesh.deploy.istio;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An EnvoyFilter that inserts {@code envoy.filters.http.wasm} just before the router of the matched listeners, loading
 * the module from the file copied into the sidecar. The filter config is today's typed {@code Wasm} message, not the
 * old {@code TypedStruct} wrapping.
 */
final class EnvoyFilterSpec {
    static final String WASM_TYPE = "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm";
    private static final String STRING_VALUE_TYPE = "type.googleapis.com/google.protobuf.StringValue";

    private EnvoyFilterSpec() {}

    static Map<String, Object> build(DeploySpec spec) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("workloadSelector", Map.of("labels", new LinkedHashMap<>(spec.selector())));
        if (spec.priority() != null) {
            body.put("priority", spec.priority());
        }
        body.put("configPatches", List.of(patch(spec)));
        return body;
    }

    private static Map<String, Object> patch(DeploySpec spec) {
        Map<String, Object> listener = new LinkedHashMap<>();
        if (spec.port() != null) {
            listener.put("portNumber", spec.port());
        }
        listener.put(
                "filterChain",
                Map.of(
                        "filter",
                        Manifests.ordered(
                                "name",
                                "envoy.filters.network.http_connection_manager",
                                "subFilter",
                                Map.of("name", "envoy.filters.http.router"))));
        Map<String, Object> match = new LinkedHashMap<>();
        match.put("context", spec.context().envoyFilterContext());
        match.put("listener", listener);

        Map<String, Object> value = new LinkedHashMap<>();
        value.put("name", "envoy.filters.http.wasm");
        value.put("typed_config", Manifests.ordered("@type", WASM_TYPE, "config", pluginConfig(spec)));

        Map<String, Object> patch = new LinkedHashMap<>();
        patch.put("operation", "INSERT_BEFORE");
        patch.put("value", value);

        Map<String, Object> configPatch = new LinkedHashMap<>();
        configPatch.put("applyTo", "HTTP_FILTER");
        configPatch.put("match", match);
        configPatch.put("patch", patch);
        return configPatch;
    }

    /** Envoy's {@code PluginConfig}, field names as in its proto. */
    private static Map<String, Object> pluginConfig(DeploySpec spec) {
        Map<String, Object> vm = new LinkedHashMap<>();
        vm.put("vm_id", spec.vmId() != null ? spec.vmId() : spec.name());
        vm.put("runtime", spec.runtime() != null ? spec.runtime() : DeploySpec.DEFAULT_RUNTIME);
        vm.put("code", Map.of("local", Map.of("filename", spec.podPath())));
        if (!spec.env().isEmpty() || !spec.hostEnv().isEmpty()) {
            Map<String, Object> variables = new LinkedHashMap<>();
            if (!spec.hostEnv().isEmpty()) {
                variables.put("host_env_keys", spec.hostEnv());
            }
            if (!spec.env().isEmpty()) {
                variables.put("key_values", new LinkedHashMap<>(spec.env()));
            }
            vm.put("environment_variables", variables);
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", spec.effectivePluginName());
        config.put("root_id", spec.effectivePluginName());
        if (spec.pluginConfig() != null) {
            config.put("configuration", Manifests.ordered("@type", STRING_VALUE_TYPE, "value", spec.pluginConfig()));
        }
        if (spec.failStrategy() != null) {
            config.put("failure_policy", spec.failStrategy().envoyPolicy());
        }
        config.put("vm_config", vm);
        return config;
    }
}
