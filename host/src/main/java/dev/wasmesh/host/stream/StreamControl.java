package dev.wasmesh.host.stream;

import dev.wasmesh.host.abi.StreamType;

/**
 * How a filter steers its HTTP stream, implemented by the embedder for each stream. Calls arrive on the VM's thread,
 * possibly from inside a callback (e.g. continue from a call-out response), so the embedder should act after the
 * current callback returns.
 */
public interface StreamControl {
    /** proxy_continue_stream: resume a paused request or response. */
    void continueStream(StreamType type);

    /** proxy_close_stream: reset the stream. */
    void closeStream(StreamType type);

    /** proxy_send_local_response: answer the client with this response instead of (or in place of) the upstream's. */
    void sendLocalResponse(LocalResponse response);

    /** Ignores everything; for contexts nobody steers. */
    StreamControl NONE = new StreamControl() {
        @Override
        public void continueStream(StreamType type) {}

        @Override
        public void closeStream(StreamType type) {}

        @Override
        public void sendLocalResponse(LocalResponse response) {}
    };
}
