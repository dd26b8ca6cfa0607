package dev.wasmesh.deploy.istio;

/** Which traffic the filter sees, in the vocabulary of each resource kind. */
public enum PatchContext {
    INBOUND("SIDECAR_INBOUND", "SERVER"),
    OUTBOUND("SIDECAR_OUTBOUND", "CLIENT"),
    /** Istio matches gateway listeners with the CLIENT workload mode. */
    GATEWAY("GATEWAY", "CLIENT");

    private final String envoyFilterContext;
    private final String workloadMode;

    PatchContext(String envoyFilterContext, String workloadMode) {
        this.envoyFilterContext = envoyFilterContext;
        this.workloadMode = workloadMode;
    }

    public String envoyFilterContext() {
        return envoyFilterContext;
    }

    public String workloadMode() {
        return workloadMode;
    }
}
