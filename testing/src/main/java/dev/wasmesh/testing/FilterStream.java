package dev.wasmesh.testing;

import dev.wasmesh.host.StreamContext;
import dev.wasmesh.host.abi.StreamType;
import dev.wasmesh.host.stream.Action;
import dev.wasmesh.host.stream.Body;
import dev.wasmesh.host.stream.StreamInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an {@link HttpStream} and a {@link TcpStream} share: the context's id, the properties its filter reads, and
 * the record of the filter's callbacks and of the continue and close calls it made.
 */
public abstract class FilterStream<S extends FilterStream<S>> {
    final ProxyWasmHarness harness;
    private final StreamInfo info;
    private final List<StreamType> continueCalls = new ArrayList<>();
    private final List<StreamType> closeCalls = new ArrayList<>();
    private Action lastAction;

    /** Gives {@code info} the harness's properties before the subclass opens its context on it. */
    FilterStream(ProxyWasmHarness harness, StreamInfo info, Map<String, byte[]> properties) {
        this.harness = harness;
        this.info = info;
        properties.forEach((path, value) -> info.attribute(ProxyWasmHarness.propertyPath(path), value));
    }

    abstract StreamContext context();

    abstract S self();

    /** The context id in the VM. */
    public int contextId() {
        return context().id();
    }

    /** The facts filters read as properties; change them before the callback that should see them. */
    public StreamInfo info() {
        return info;
    }

    /**
     * Gives the attribute at this dotted path (e.g. {@code request.id}) the value the proxy would answer; the filter
     * reads it at exactly that path. Values the filter stores itself go through proxy_set_property.
     */
    public S setProperty(String dottedPath, String value) {
        info.attribute(ProxyWasmHarness.propertyPath(dottedPath), value.getBytes(StandardCharsets.UTF_8));
        return self();
    }

    /** A property as the filter reads it, in Envoy's encoding. */
    public Optional<byte[]> property(String dottedPath) {
        return context().property(ProxyWasmHarness.propertyPath(dottedPath));
    }

    /** A property as text (for string-valued properties). */
    public Optional<String> propertyText(String dottedPath) {
        return property(dottedPath).map(b -> new String(b, StandardCharsets.UTF_8));
    }

    /** What the filter's most recent callback with a result returned. */
    public Action lastAction() {
        if (lastAction == null) {
            throw new IllegalStateException("no phase has been called on this stream yet");
        }
        return lastAction;
    }

    /** Each proxy_continue_stream call that reached this stream, in order. */
    public List<StreamType> continueCalls() {
        return List.copyOf(continueCalls);
    }

    /** Each proxy_close_stream call the filter made, in order. */
    public List<StreamType> closeCalls() {
        return List.copyOf(closeCalls);
    }

    void recordContinue(StreamType type) {
        continueCalls.add(type);
    }

    void recordClose(StreamType type) {
        closeCalls.add(type);
    }

    void recordAction(Action action) {
        lastAction = action;
    }

    static String text(Body body) {
        return body == null ? "" : body.toString();
    }

    static byte[] bytes(Body body) {
        return body == null ? new byte[0] : body.toByteArray();
    }
}
