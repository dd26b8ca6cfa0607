package dev.wasmesh.proxy.config;

import dev.wasmesh.host.stream.Metadata;
import dev.wasmesh.host.stream.StreamInfo;
import java.util.Objects;

/**
 * What filters read of the listener a stream came in on: {@code xds.listener_metadata},
 * {@code xds.filter_chain_name} and {@code xds.listener_direction} (0 unspecified, 1 inbound, 2 outbound).
 */
public record ListenerInfo(Metadata metadata, String filterChainName, int direction) {
    public static final ListenerInfo NONE = new ListenerInfo(Metadata.EMPTY, "", 0);

    public ListenerInfo {
        Objects.requireNonNull(metadata);
        Objects.requireNonNull(filterChainName);
    }

    public void applyTo(StreamInfo info) {
        info.listener(metadata, filterChainName).listenerDirection(direction);
    }
}
