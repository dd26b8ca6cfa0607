package dev.wasmesh.deploy.istio;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/**
 * The three resource kinds wasmesh creates, addressed through explicit definitions so that no API discovery is needed
 * (and a cluster without one of the CRDs fails on that kind only).
 */
public enum IstioKind {
    ENVOY_FILTER("networking.istio.io", "v1alpha3", "EnvoyFilter", "envoyfilters"),
    WASM_PLUGIN("extensions.istio.io", "v1alpha1", "WasmPlugin", "wasmplugins"),
    TRAFFIC_EXTENSION("extensions.istio.io", "v1alpha1", "TrafficExtension", "trafficextensions");

    private final String group;
    private final String version;
    private final String kind;
    private final String plural;

    IstioKind(String group, String version, String kind, String plural) {
        this.group = group;
        this.version = version;
        this.kind = kind;
        this.plural = plural;
    }

    public String apiVersion() {
        return group + "/" + version;
    }

    public String kind() {
        return kind;
    }

    public String plural() {
        return plural;
    }

    public ResourceDefinitionContext context() {
        return new ResourceDefinitionContext.Builder()
                .withGroup(group)
                .withVersion(version)
                .withKind(kind)
                .withPlural(plural)
                .withNamespaced(true)
                .build();
    }
}
