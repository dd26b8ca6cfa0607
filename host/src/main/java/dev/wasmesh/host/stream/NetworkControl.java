package dev.wasmesh.host.stream;

import dev.wasmesh.host.abi.StreamType;

/**
 * How a network (TCP) filter steers its connection, implemented by the embedder for each connection. Calls arrive on
 * the VM's thread, possibly from inside a callback, so the embedder should act after the current callback returns.
 */
public interface NetworkControl {
    /** proxy_continue_stream(DOWNSTREAM): pass on the downstream data the filter paused on. */
    void continueStream(StreamType type);

    /** proxy_close_stream(DOWNSTREAM or UPSTREAM): Envoy closes the connection (flushing writes) for both. */
    void closeStream(StreamType type);

    /** Ignores everything; for connections nobody steers. */
    NetworkControl NONE = new NetworkControl() {
        @Override
        public void continueStream(StreamType type) {}

        @Override
        public void closeStream(StreamType type) {}
    };
}
