package dev.wasmesh.deploy.istio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wasmesh.deploy.DeployException;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns a deployment into the one Istio resource that carries it, after refusing combinations that cannot work. */
public final class Manifests {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Manifests() {}

    public static GenericKubernetesResource build(DeploySpec spec) {
        check(spec);
        Map<String, Object> body = switch (spec.mode()) {
            case ENVOYFILTER -> EnvoyFilterSpec.build(spec);
            case WASMPLUGIN -> WasmPluginSpec.build(spec);
            case TRAFFICEXTENSION -> TrafficExtensionSpec.build(spec);
        };
        IstioKind kind = spec.mode().kind();
        GenericKubernetesResource resource = new GenericKubernetesResource();
        resource.setApiVersion(kind.apiVersion());
        resource.setKind(kind.kind());
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(Ownership.SOURCE, spec.module().source());
        annotations.put(Ownership.MODULE_SHA256, spec.module().moduleSha256());
        if (spec.copiesToPods()) {
            annotations.put(Ownership.MODULE_PATH, spec.podPath());
        }
        resource.setMetadata(new ObjectMetaBuilder()
                .withName(spec.name())
                .withNamespace(spec.namespace())
                .addToLabels(Ownership.MANAGED_BY, Ownership.MANAGER)
                .addToLabels(Ownership.DEPLOYMENT, spec.name())
                .withAnnotations(annotations)
                .build());
        resource.setAdditionalProperty("spec", body);
        return resource;
    }

    /** Several documents of YAML, as {@code kubectl apply -f} reads them. */
    public static String toYaml(List<GenericKubernetesResource> resources) {
        StringBuilder out = new StringBuilder();
        for (GenericKubernetesResource resource : resources) {
            String yaml = Serialization.asYaml(resource);
            out.append(yaml.startsWith("---") ? "" : "---\n").append(yaml);
        }
        return out.toString();
    }

    private static void check(DeploySpec spec) {
        boolean hasSelector = !spec.selector().isEmpty();
        boolean hasTargets = !spec.targetRefs().isEmpty();
        if (hasSelector == hasTargets) {
            throw new DeployException(
                    hasSelector
                            ? "give either --selector or --target-ref, not both"
                            : "say where to deploy: --selector app=NAME,… or --target-ref Kind/name");
        }
        if (spec.copiesToPods() && !hasSelector) {
            throw new DeployException(
                    spec.mode() == DeployMode.ENVOYFILTER
                            ? "--mode envoyfilter copies the module into the selected pods: use --selector instead of --target-ref"
                            : "a module from a local file is copied into the selected pods: use --selector, or deploy an oci:// or"
                                    + " https:// module with --target-ref");
        }
        if (spec.mode() == DeployMode.ENVOYFILTER) {
            List<String> unused = new ArrayList<>();
            if (spec.phase() != null) {
                unused.add("--phase");
            }
            if (spec.pullPolicy() != null) {
                unused.add("--image-pull-policy");
            }
            if (spec.pullSecret() != null) {
                unused.add("--image-pull-secret");
            }
            if (!unused.isEmpty()) {
                throw new DeployException(String.join(", ", unused) + (unused.size() == 1 ? " applies" : " apply")
                        + " only to --mode wasmplugin and trafficextension"
                        + " (an EnvoyFilter inserts the filter just before the router)");
            }
        }
        if (spec.port() != null && (spec.port() < 1 || spec.port() > 65535)) {
            throw new DeployException("--port " + spec.port() + " is not a port number (1-65535)");
        }
        if (spec.pluginConfig() != null) {
            JsonNode config = parseJson(spec.pluginConfig());
            if (spec.mode() != DeployMode.ENVOYFILTER && !config.isObject()) {
                throw new DeployException("--config must be a JSON object for --mode "
                        + spec.mode().name().toLowerCase(java.util.Locale.ROOT)
                        + " (Istio passes pluginConfig as an object)");
            }
        }
        for (String label : spec.selector().keySet()) {
            String value = spec.selector().get(label);
            if (label.isEmpty() || label.contains("*") || value.contains("*")) {
                throw new DeployException("selector label '" + label + "=" + value + "' is empty or has a wildcard");
            }
        }
    }

    /** A map that keeps the order its pairs were given in, so that the YAML reads the same on every run. */
    static Map<String, Object> ordered(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    static JsonNode parseJson(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new DeployException("--config is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** The WasmPlugin and TrafficExtension form: {@code [{mode, ports: [{number}]}]}. */
    static List<Object> trafficMatch(DeploySpec spec) {
        Map<String, Object> match = new LinkedHashMap<>();
        match.put("mode", spec.context().workloadMode());
        if (spec.port() != null) {
            match.put("ports", List.of(Map.of("number", spec.port())));
        }
        return List.of(match);
    }

    static List<Object> env(DeploySpec spec) {
        List<Object> env = new ArrayList<>();
        spec.env().forEach((name, value) -> {
            Map<String, Object> variable = new LinkedHashMap<>();
            variable.put("name", name);
            variable.put("value", value);
            env.add(variable);
        });
        for (String name : spec.hostEnv()) {
            env.add(ordered("name", name, "valueFrom", "HOST"));
        }
        return env;
    }

    static List<Object> targetRefs(DeploySpec spec) {
        return spec.targetRefs().stream().<Object>map(TargetRef::toMap).toList();
    }

    /** Where and when a WasmPlugin or TrafficExtension applies: workloads, phase, priority, traffic. */
    static void putPlacement(Map<String, Object> body, DeploySpec spec) {
        if (!spec.selector().isEmpty()) {
            body.put("selector", Map.of("matchLabels", new LinkedHashMap<>(spec.selector())));
        } else {
            body.put("targetRefs", targetRefs(spec));
        }
        if (spec.phase() != null) {
            body.put("phase", spec.phase().name());
        }
        if (spec.priority() != null) {
            body.put("priority", spec.priority());
        }
        body.put("match", trafficMatch(spec));
    }

    /** The module and how it runs, as WasmPlugin has them (TrafficExtension: the same fields under {@code wasm}). */
    static void putModule(Map<String, Object> m, DeploySpec spec) {
        putModuleLocation(m, spec);
        if (spec.pullPolicy() != null) {
            m.put("imagePullPolicy", spec.pullPolicy().istioName());
        }
        if (spec.pullSecret() != null) {
            m.put("imagePullSecret", spec.pullSecret());
        }
        m.put("pluginName", spec.effectivePluginName());
        if (spec.pluginConfig() != null) {
            m.put("pluginConfig", parseJson(spec.pluginConfig()));
        }
        if (spec.failStrategy() != null) {
            m.put("failStrategy", spec.failStrategy().name());
        }
        m.put("type", "HTTP");
        List<Object> env = env(spec);
        if (!env.isEmpty()) {
            m.put("vmConfig", Map.of("env", env));
        }
    }

    /** url and checksum: the remote URL Istio fetches, or the file copied into the sidecar. */
    static void putModuleLocation(Map<String, Object> out, DeploySpec spec) {
        if (spec.module().isLocal()) {
            out.put("url", "file://" + spec.podPath());
            out.put("sha256", spec.module().moduleSha256());
        } else {
            out.put("url", spec.module().remoteUrl());
            out.put("sha256", spec.module().remoteSha256());
        }
    }
}
