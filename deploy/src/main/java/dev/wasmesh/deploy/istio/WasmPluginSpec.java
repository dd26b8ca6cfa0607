package dev.wasmesh.deploy.istio;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A WasmPlugin: Istio places the filter by phase and priority (no phase: just before the router). */
final class WasmPluginSpec {
  private WasmPluginSpec() {}

  static Map<String, Object> build(DeploySpec spec) {
    Map<String, Object> body = new LinkedHashMap<>();
    if (!spec.selector().isEmpty()) {
      body.put("selector", Map.of("matchLabels", new LinkedHashMap<>(spec.selector())));
    } else {
      body.put("targetRefs", Manifests.targetRefs(spec));
    }
    Manifests.putModuleLocation(body, spec);
    if (spec.pullPolicy() != null) {
      body.put("imagePullPolicy", spec.pullPolicy().istioName());
    }
    if (spec.pullSecret() != null) {
      body.put("imagePullSecret", spec.pullSecret());
    }
    body.put("pluginName", spec.effectivePluginName());
    if (spec.pluginConfig() != null) {
      body.put("pluginConfig", Manifests.parseJson(spec.pluginConfig()));
    }
    if (spec.phase() != null) {
      body.put("phase", spec.phase().name());
    }
    if (spec.priority() != null) {
      body.put("priority", spec.priority());
    }
    if (spec.failStrategy() != null) {
      body.put("failStrategy", spec.failStrategy().name());
    }
    body.put("type", "HTTP");
    body.put("match", Manifests.trafficMatch(spec));
    List<Object> env = Manifests.env(spec);
    if (!env.isEmpty()) {
      body.put("vmConfig", Map.of("env", env));
    }
    return body;
  }
}
