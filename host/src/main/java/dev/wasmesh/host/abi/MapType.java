package dev.wasmesh.host.abi;

/** proxy-wasm header map types. */
public enum MapType {
    HTTP_REQUEST_HEADERS,
    HTTP_REQUEST_TRAILERS,
    HTTP_RESPONSE_HEADERS,
    HTTP_RESPONSE_TRAILERS,
    GRPC_CALL_INITIAL_METADATA,
    GRPC_CALL_TRAILING_METADATA,
    HTTP_CALL_RESPONSE_HEADERS,
    HTTP_CALL_RESPONSE_TRAILERS;

    private static final MapType[] VALUES = values();

    public static MapType ofCode(int code) {
        if (code < 0 || code >= VALUES.length) {
            throw AbiException.BAD_ARGUMENT;
        }
        return VALUES[code];
    }
}
