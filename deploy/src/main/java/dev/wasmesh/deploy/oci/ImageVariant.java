package dev.wasmesh.deploy.oci;

import java.util.Locale;

/** The three image layouts that Istio's agent can pull a Wasm module from. */
public enum ImageVariant {
    /** OCI manifest, one tar.gz layer holding {@code plugin.wasm}, annotated {@code module.wasm.image/variant=compat}. */
    COMPAT,
    /** OCI manifest with the Wasm config media type and the raw module as a Wasm content layer. */
    OCI,
    /** Docker schema 2 manifest, the module as {@code plugin.wasm} in the last tar.gz layer. */
    DOCKER;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
