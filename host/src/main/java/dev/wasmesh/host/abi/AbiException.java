package dev.wasmesh.host.abi;

/**
 * Raised inside a host function to end it with a non-OK status. Caught at the host-function boundary and
 * turned into the status code the guest sees, so no Java exception ever reaches the wasm caller.
 */
public final class AbiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Status status;

    public AbiException(Status status) {
        super(status.name(), null, false, false);
        this.status = status;
    }

    public Status status() {
        return status;
    }

    public static final AbiException NOT_FOUND = new AbiException(Status.NOT_FOUND);
    public static final AbiException BAD_ARGUMENT = new AbiException(Status.BAD_ARGUMENT);
    public static final AbiException SERIALIZATION_FAILURE = new AbiException(Status.SERIALIZATION_FAILURE);
    public static final AbiException INVALID_MEMORY_ACCESS = new AbiException(Status.INVALID_MEMORY_ACCESS);
    public static final AbiException EMPTY = new AbiException(Status.EMPTY);
    public static final AbiException CAS_MISMATCH = new AbiException(Status.CAS_MISMATCH);
    public static final AbiException PARSE_FAILURE = new AbiException(Status.PARSE_FAILURE);
    public static final AbiException UNIMPLEMENTED = new AbiException(Status.UNIMPLEMENTED);
    public static final AbiException INTERNAL_FAILURE = new AbiException(Status.INTERNAL_FAILURE);
}
