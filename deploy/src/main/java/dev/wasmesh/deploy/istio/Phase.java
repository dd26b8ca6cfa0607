package dev.wasmesh.deploy.istio;

/** Where Istio places the plugin among its own filters; none means just before the router. */
public enum Phase {
    AUTHN,
    AUTHZ,
    STATS
}
