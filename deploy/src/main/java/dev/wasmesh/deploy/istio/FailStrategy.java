package dev.wasmesh.deploy.istio;

/** What the proxy does when the plugin fails: Istio's names, and Envoy's for the same policy. */
public enum FailStrategy {
    FAIL_CLOSE("FAIL_CLOSED"),
    FAIL_OPEN("FAIL_OPEN"),
    FAIL_RELOAD("FAIL_RELOAD");

    private final String envoyPolicy;

    FailStrategy(String envoyPolicy) {
        this.envoyPolicy = envoyPolicy;
    }

    public String envoyPolicy() {
        return envoyPolicy;
    }
}
