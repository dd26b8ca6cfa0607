package dev.wasmesh.host;

import dev.wasmesh.host.abi.AbiException;
import dev.wasmesh.host.abi.BufferType;
import dev.wasmesh.host.abi.MapType;
import dev.wasmesh.host.abi.StreamType;
import dev.wasmesh.host.internal.envoy.Properties;
import dev.wasmesh.host.stream.Body;
import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.host.stream.StreamInfo;
import java.util.Optional;

/**
 * A proxy-wasm context inside one VM: a root context (one per plugin) or a stream context. Host functions act on
 * the VM's effective context through the typed methods here; subclasses say what each context can reach.
 */
public abstract class Context {
    private final WasmVm vm;
    private final int id;

    Context(WasmVm vm, int id) {
        this.vm = vm;
        this.id = id;
    }

    public final int id() {
        return id;
    }

    public final WasmVm vm() {
        return vm;
    }

    public abstract RootContext rootContext();

    public final PluginConfig plugin() {
        return rootContext().config();
    }

    /** The header map of this type the filter can read now (Envoy's const map), or empty. */
    public final Optional<HeaderMap> headerMap(MapType type) {
        return Optional.ofNullable(headerMapOrNull(type));
    }

    /**
     * {@link #headerMap} without the Optional, for the host functions on every request's path. A call-out response
     * and gRPC metadata are readable from any context while their callback runs.
     */
    HeaderMap headerMapOrNull(MapType type) {
        return vm.callbackData.map(type);
    }

    /** The header map of this type the filter can change now, or null: as in Envoy, only a stream's own maps. */
    HeaderMap mutableHeaderMapOrNull(MapType type) {
        return null;
    }

    /** Whether an HTTP stream's proxy_on_log is running: Envoy's access-log phase, which reads maps differently. */
    boolean inAccessLog() {
        return false;
    }

    /** The buffer of this type visible from this context, or empty if there is none right now. */
    public final Optional<Body> buffer(BufferType type) {
        return Optional.ofNullable(bufferOrNull(type));
    }

    /** {@link #buffer} without the Optional. As in Envoy, the VM configuration is readable from every context. */
    Body bufferOrNull(BufferType type) {
        return type == BufferType.VM_CONFIGURATION ? rootContext().bufferOrNull(type) : vm.callbackData.buffer(type);
    }

    /**
     * A property value in Envoy's encoding, or empty if unknown: an attribute the embedder gave at this path, else
     * Envoy's lookup, which resolves the first segment alone. A name Envoy or wasmesh answers itself is that
     * attribute; any other is what proxy_set_property stored at that one-segment path (Envoy's filter state), and a
     * stored value is plain bytes, so nothing lies below it.
     */
    public Optional<byte[]> property(String[] path) {
        if (path.length == 0) {
            return Optional.empty();
        }
        StreamInfo info = streamInfo();
        byte[] given = info == null ? null : info.attribute(path);
        if (given != null) {
            return Optional.of(given);
        }
        if (Properties.isAttribute(path[0])) {
            return Properties.resolve(this, path);
        }
        return info == null || path.length != 1 ? Optional.empty() : Optional.ofNullable(info.filterState(path[0]));
    }

    /**
     * proxy_continue_stream where this context has no stream of that type: as Envoy, OK and nothing happens, except
     * that a write filter (UPSTREAM) can never be resumed.
     */
    void continueStream(StreamType type) {
        if (type == StreamType.UPSTREAM) {
            throw AbiException.UNIMPLEMENTED;
        }
    }

    /** proxy_close_stream where this context has no stream of that type: as Envoy, OK and nothing happens. */
    void closeStream(StreamType type) {
        // Nothing to close.
    }

    /** proxy_done: only meaningful for contexts whose proxy_on_done returned false. */
    void done() {
        throw AbiException.NOT_FOUND;
    }

    /** The stream facts properties are read from; null for a root context, which has no stream. */
    StreamInfo streamInfo() {
        return null;
    }
}
