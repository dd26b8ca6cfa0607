package dev.wasmesh.host.abi;

/** proxy-wasm buffer types. */
public enum BufferType {
    HTTP_REQUEST_BODY,
    HTTP_RESPONSE_BODY,
    DOWNSTREAM_DATA,
    UPSTREAM_DATA,
    HTTP_CALL_RESPONSE_BODY,
    GRPC_CALL_MESSAGE,
    VM_CONFIGURATION,
    PLUGIN_CONFIGURATION,
    FOREIGN_FUNCTION_ARGUMENTS;

    private static final BufferType[] VALUES = values();

    public static BufferType ofCode(int code) {
        if (code < 0 || code >= VALUES.length) {
            throw AbiException.BAD_ARGUMENT;
        }
        return VALUES[code];
    }
}
