package dev.wasmesh.host.stream;

import java.util.Map;
import java.util.Objects;

/**
 * Envoy's {@code config.core.v3.Node} as filters read it ({@code xds.node}, and {@code node} as older Envoy
 * releases answered it): the bootstrap's {@code node} id, cluster, metadata and locality.
 *
 * @param metadata a Struct, normalised by {@link Metadata#struct}
 */
public record NodeInfo(
        String id, String cluster, Map<String, Object> metadata, String region, String zone, String subZone) {
    public static final NodeInfo EMPTY = new NodeInfo("", "", Map.of(), "", "", "");

    public NodeInfo {
        Objects.requireNonNull(id);
        Objects.requireNonNull(cluster);
        metadata = Metadata.struct(metadata);
        Objects.requireNonNull(region);
        Objects.requireNonNull(zone);
        Objects.requireNonNull(subZone);
    }
}
