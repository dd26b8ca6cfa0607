package dev.wasmesh.host;

import dev.wasmesh.host.abi.BufferType;
import dev.wasmesh.host.abi.PeerType;
import dev.wasmesh.host.abi.StreamType;
import dev.wasmesh.host.stream.Action;
import dev.wasmesh.host.stream.Body;
import dev.wasmesh.host.stream.NetworkControl;
import dev.wasmesh.host.stream.StreamInfo;

/**
 * One TCP connection as a network filter sees it. The embedder calls the callbacks in Envoy's order: {@link
 * #onNewConnection} when the connection opens, a data callback per chunk in either direction, the close callbacks,
 * then {@link #finish}. The buffers it passes are the live objects the filter reads and changes as DOWNSTREAM_DATA
 * and UPSTREAM_DATA, so after a call they hold what to forward.
 */
public final class NetworkContext extends StreamContext {
    private final NetworkControl control;
    private Body downstreamData;
    private Body upstreamData;

    NetworkContext(WasmVm vm, int id, RootContext root, NetworkControl control, StreamInfo info) {
        super(vm, id, root, info);
        this.control = control;
    }

    /** proxy_on_new_connection. */
    public Action onNewConnection() {
        return Action.ofNetwork(vm().callStream(Callback.ON_NEW_CONNECTION, this, id()));
    }

    /**
     * proxy_on_downstream_data. {@code data} is the new chunk after whatever the filter paused on before (Envoy
     * keeps data a filter stopped on in the connection's buffer and hands it over again with the next read). While
     * the filter pauses the buffer stays readable, e.g. from a call-out callback; after CONTINUE it is gone, as in
     * Envoy.
     */
    public Action onDownstreamData(Body data, boolean endOfStream) {
        downstreamData = data;
        Action action = Action.ofNetwork(
                vm().callStream(Callback.ON_DOWNSTREAM_DATA, this, id(), data.length(), endOfStream ? 1 : 0));
        if (action == Action.CONTINUE) {
            downstreamData = null;
        }
        return action;
    }

    /** proxy_on_upstream_data, with the same buffer rules as {@link #onDownstreamData}. */
    public Action onUpstreamData(Body data, boolean endOfStream) {
        upstreamData = data;
        Action action = Action.ofNetwork(
                vm().callStream(Callback.ON_UPSTREAM_DATA, this, id(), data.length(), endOfStream ? 1 : 0));
        if (action == Action.CONTINUE) {
            upstreamData = null;
        }
        return action;
    }

    /** proxy_on_downstream_connection_close; Envoy then ends the context ({@link #finish}). */
    public void onDownstreamConnectionClose(PeerType peer) {
        vm().callVoid(Callback.ON_DOWNSTREAM_CONNECTION_CLOSE, this, id(), peer.ordinal());
    }

    /** proxy_on_upstream_connection_close. */
    public void onUpstreamConnectionClose(PeerType peer) {
        vm().callVoid(Callback.ON_UPSTREAM_CONNECTION_CLOSE, this, id(), peer.ordinal());
    }

    @Override
    Body bufferOrNull(BufferType type) {
        switch (type) {
            case DOWNSTREAM_DATA:
                return downstreamData;
            case UPSTREAM_DATA:
                return upstreamData;
            default:
                return super.bufferOrNull(type);
        }
    }

    @Override
    void continueStream(StreamType type) {
        if (type == StreamType.DOWNSTREAM) {
            control.continueStream(type);
        } else {
            super.continueStream(type); // UPSTREAM cannot be resumed; paused upstream data goes on with the next chunk
        }
    }

    @Override
    void closeStream(StreamType type) {
        if (type == StreamType.DOWNSTREAM || type == StreamType.UPSTREAM) {
            control.closeStream(type);
        }
    }
}
