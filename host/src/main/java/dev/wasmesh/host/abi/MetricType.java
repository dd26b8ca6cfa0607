package dev.wasmesh.host.abi;

/** proxy-wasm metric types. */
public enum MetricType {
    COUNTER,
    GAUGE,
    HISTOGRAM;

    public static MetricType ofCode(int code) {
        if (code < 0 || code >= values().length) {
            throw AbiException.BAD_ARGUMENT;
        }
        return values()[code];
    }
}
