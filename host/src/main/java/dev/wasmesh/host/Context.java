package dev.wasmesh.host;

import dev.wasmesh.host.abi.AbiException;
import dev.wasmesh.host.abi.BufferType;
import dev.wasmesh.host.abi.MapType;
import dev.wasmesh.host.abi.Status;
import dev.wasmesh.host.abi.StreamType;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A proxy-wasm context inside one VM: a root context (one per plugin) or a stream context. Host functions act on
 * the VM's effective context through the typed methods here; subclasses say what each context can reach.
 */
public abstract class Context {
    private final WasmVm vm;
    private final int id;
    private final Map<String, byte[]> setProperties = new HashMap<>();

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

    /** The header map of this type visible from this context, or empty if there is none right now. */
    public Optional<HeaderMap> headerMap(MapType type) {
        return Optional.ofNullable(vm.calloutMap(type));
    }

    /** A header map the guest writes to; trailers may be created on demand by stream contexts. */
    HeaderMap writableHeaderMap(MapType type) {
        return headerMap(type).orElseThrow(() -> AbiException.NOT_FOUND);
    }

    /** The buffer of this type visible from this context, or empty if there is none right now. */
    public Optional<Body> buffer(BufferType type) {
        return Optional.ofNullable(vm.callbackBuffer(type));
    }

    /** A property value in Envoy's encoding, or empty if unknown. */
    public Optional<byte[]> property(String[] path) {
        byte[] set = setProperties.get(String.join("\0", path));
        if (set != null) {
            return Optional.of(set);
        }
        return Properties.resolve(this, path);
    }

    public void setProperty(String[] path, byte[] value) {
        setProperties.put(String.join("\0", path), value.clone());
    }

    /** Stream contexts override; anywhere else there is no stream to steer. */
    void continueStream(StreamType type) {
        throw new AbiException(Status.BAD_ARGUMENT);
    }

    void closeStream(StreamType type) {
        throw new AbiException(Status.BAD_ARGUMENT);
    }

    void sendLocalResponse(LocalResponse response) {
        throw new AbiException(Status.BAD_ARGUMENT);
    }

    /** proxy_done: only meaningful for contexts whose proxy_on_done returned false. */
    void done() {
        throw AbiException.NOT_FOUND;
    }

    /** Stream info for property lookups; root contexts have none. */
    StreamInfo streamInfo() {
        return null;
    }
}
