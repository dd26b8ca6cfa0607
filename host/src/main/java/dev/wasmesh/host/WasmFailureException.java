package dev.wasmesh.host;

/** Thrown to the embedder when a VM has failed; carries the failure so the failure policy can be applied. */
public final class WasmFailureException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient WasmFailure failure;

    public WasmFailureException(WasmFailure failure) {
        super(failure.toString());
        this.failure = failure;
    }

    public WasmFailure failure() {
        return failure;
    }
}
