package dev.wasmesh.deploy.istio;

/** When istio-agent fetches the module again. */
public enum PullPolicy {
    IF_NOT_PRESENT("IfNotPresent"),
    ALWAYS("Always");

    private final String istioName;

    PullPolicy(String istioName) {
        this.istioName = istioName;
    }

    public String istioName() {
        return istioName;
    }
}
