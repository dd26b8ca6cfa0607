package dev.wasmesh.deploy.istio;

/** Which Istio resource carries the filter to the proxies. */
public enum DeployMode {
    /** The module is copied into each sidecar and an EnvoyFilter inserts it as a local-file Wasm filter. */
    ENVOYFILTER(IstioKind.ENVOY_FILTER),
    /** A WasmPlugin, which istio-agent resolves (oci://, https://, file://) and Istio places in the chain. */
    WASMPLUGIN(IstioKind.WASM_PLUGIN),
    /** Istio's successor to WasmPlugin, with the Wasm settings under {@code spec.wasm}. */
    TRAFFICEXTENSION(IstioKind.TRAFFIC_EXTENSION);

    private final IstioKind kind;

    DeployMode(IstioKind kind) {
        this.kind = kind;
    }

    public IstioKind kind() {
        return kind;
    }
}
