package dev.wasmesh.stream;

import dev.wasmesh.host.FailurePolicy;
import dev.wasmesh.host.HttpContext;
import dev.wasmesh.host.WasmFailureException;
import dev.wasmesh.host.stream.StreamControl;
import dev.wasmesh.host.stream.StreamInfo;

/**
 * One wasm filter of a chain as the {@link FilterManager} sees it: a plugin on the VM that serves this stream. The
 * proxy keeps one per (plugin, worker); the test harness one per plugin.
 */
public interface ChainFilter {
    /**
     * Opens the stream's context (proxy_on_context_create).
     *
     * @throws WasmFailureException if the plugin's VM has failed or fails now; the manager applies {@link #policy()}
     */
    HttpContext open(StreamControl control, StreamInfo info);

    FailurePolicy policy();

    /** The plugin's VM failed during one of this stream's callbacks. */
    void failed(WasmFailureException e);

    /** A stream that uses this filter began; paired with {@link #streamEnded()}. */
    default void streamStarted() {}

    default void streamEnded() {}
}
