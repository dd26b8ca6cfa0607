package dev.wasmesh.testing;

import dev.wasmesh.host.StreamContext;
import dev.wasmesh.host.StreamInfo;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/** What an {@link HttpStream} and a {@link TcpStream} share: the context's id and the properties its filter reads. */
public abstract class FilterStream<S extends FilterStream<S>> {
    final ProxyWasmHarness harness;
    private final StreamInfo info;

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
}
