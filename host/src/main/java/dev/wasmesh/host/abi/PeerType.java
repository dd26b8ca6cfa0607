package dev.wasmesh.host.abi;

/** proxy-wasm peer types: which side closed a connection, passed to the connection-close callbacks. */
public enum PeerType {
    UNKNOWN,
    LOCAL,
    REMOTE
}
