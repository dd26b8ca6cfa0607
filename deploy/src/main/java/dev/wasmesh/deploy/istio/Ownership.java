package dev.wasmesh.deploy.istio;

/**
 * The labels and annotations that mark what wasmesh created, so that {@code undeploy} and {@code deploy list} find
 * exactly that and nothing else.
 */
public final class Ownership {
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGER = "wasmesh";
    public static final String DEPLOYMENT = "wasmesh.dev/deployment";
    public static final String SOURCE = "wasmesh.dev/source";
    public static final String MODULE_SHA256 = "wasmesh.dev/module-sha256";
    /** Where the module was copied to in each pod's istio-proxy container. */
    public static final String MODULE_PATH = "wasmesh.dev/module-path";
    /** The pods it was copied into, comma-separated. */
    public static final String PODS = "wasmesh.dev/pods";

    private Ownership() {}
}
