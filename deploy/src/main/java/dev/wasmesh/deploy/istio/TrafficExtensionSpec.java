package dev.wasmesh.deploy.istio;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A TrafficExtension: placement at the top level, the WasmPlugin-like module settings under {@code wasm}. */
final class TrafficExtensionSpec {
  private TrafficExtensionSpec() {}

  static Map<String, Object> build(DeploySpec spec) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (!spec.selector().isEmpty()) {
      body.put("selector", Map.of("matchLabels", new LinkedHashMap<>(spec.selector())));
    } else {
      body.put("targetRefs", Manifests.targetRefs(spec));
    }
    if (spec.phase() != null) {
      body.put("phase", spec.phase().name());
    }
    if (spec.priority() != null) {
      body.put("priority", spec.priority());
    }
    body.put("match", Manifests.trafficMatch(spec));

    Map<String, Object> wasm = new LinkedHashMap<>();
    Manifests.putModuleLocation(wasm, spec);
    if (spec.pullPolicy() != null) {
      wasm.put("imagePullPolicy", spec.pullPolicy().istioName());
    }
    if (spec.pullSecret() != null) {
      wasm.put("imagePullSecret", spec.pullSecret());
    }
    wasm.put("pluginName", spec.effectivePluginName());
    if (spec.pluginConfig() != null) {
      wasm.put("pluginConfig", Manifests.parseJson(spec.pluginConfig()));
    }
    if (spec.failStrategy() != null) {
      wasm.put("failStrategy", spec.failStrategy().name());
    }
    wasm.put("type", "HTTP");
    List<Object> env = Manifests.env(spec);
    if (!env.isEmpty()) {
      wasm.put("vmConfig", Map.of("env", env));
    }
    body.put("wasm", wasm);
    return body;
  }
}
