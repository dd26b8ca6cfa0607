package dev.wasmesh.host.abi;

/** proxy-wasm stream types, used by continue_stream and close_stream. */
public enum StreamType {
    HTTP_REQUEST,
    HTTP_RESPONSE,
    DOWNSTREAM,
    UPSTREAM;

    public static StreamType ofCode(int code) {
        if (code < 0 || code >= values().length) {
            throw AbiException.BAD_ARGUMENT;
        }
        return values()[code];
    }
}
