package dev.wasmesh.proxy.tcp;

import dev.wasmesh.host.FailurePolicy;
import dev.wasmesh.host.NetworkContext;
import dev.wasmesh.host.WasmFailureException;
import dev.wasmesh.host.stream.NetworkControl;
import dev.wasmesh.host.stream.StreamInfo;

/**
 * One network (TCP) wasm filter as a TCP connection sees it: a plugin on the VM of the connection's worker, which
 * the proxy may share with HTTP plugins of the same VM key.
 */
public interface NetworkFilter {
    /**
     * Opens the connection's context (proxy_on_context_create).
     *
     * @throws WasmFailureException if the plugin's VM has failed or fails now; the connection applies {@link
     *     #policy()}
     */
    NetworkContext openNetwork(NetworkControl control, StreamInfo info);

    FailurePolicy policy();

    /** The plugin's VM failed during one of this connection's callbacks. */
    void failed(WasmFailureException e);

    /** A connection that uses this filter began; paired with {@link #streamEnded()}. */
    void streamStarted();

    void streamEnded();
}
