package dev.wasmesh.host.abi;

/** proxy-wasm result codes (WasmResult), as returned by every host function. */
public enum Status {
    OK(0),
    NOT_FOUND(1),
    BAD_ARGUMENT(2),
    SERIALIZATION_FAILURE(3),
    PARSE_FAILURE(4),
    INVALID_MEMORY_ACCESS(6),
    EMPTY(7),
    CAS_MISMATCH(8),
    INTERNAL_FAILURE(10),
    BROKEN_CONNECTION(11),
    UNIMPLEMENTED(12);

    private final int code;

    Status(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Status of(int code) {
        for (Status s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown proxy-wasm status " + code);
    }
}
