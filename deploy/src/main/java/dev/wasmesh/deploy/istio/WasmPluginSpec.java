package dev.wasmesh.deploy.istio;

import java.util.LinkedHashMap;
import java.util.Map;

/** A WasmPlugin: Istio places the filter by phase and priority (no phase: just before the router). */
final class WasmPluginSpec {
    private WasmPluginSpec() {}

    static Map<String, Object> build(DeploySpec spec) {
        Map<String, Object> body = new LinkedHashMap<>();
        Manifests.putPlacement(body, spec);
        Manifests.putModule(body, spec);
        return body;
    }
}
