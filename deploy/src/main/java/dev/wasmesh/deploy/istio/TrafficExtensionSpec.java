package dev.wasmesh.deploy.istio;

import java.util.LinkedHashMap;
import java.util.Map;

/** A TrafficExtension: placement at the top level, the WasmPlugin-like module settings under {@code wasm}. */
final class TrafficExtensionSpec {
    private TrafficExtensionSpec() {}

    static Map<String, Object> build(DeploySpec spec) {
        Map<String, Object> body = new LinkedHashMap<>();
        Manifests.putPlacement(body, spec);
        Map<String, Object> wasm = new LinkedHashMap<>();
        Manifests.putModule(wasm, spec);
        body.put("wasm", wasm);
        return body;
    }
}
