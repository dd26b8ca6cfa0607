package dev.wasmesh.host.internal.envoy;

import dev.wasmesh.host.Context;
import dev.wasmesh.host.GuestAccess;
import dev.wasmesh.host.HostEnvironment;
import dev.wasmesh.host.NetworkContext;
import dev.wasmesh.host.PluginConfig;
import dev.wasmesh.host.abi.MapType;
import dev.wasmesh.host.internal.HeaderPairs;
import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.host.stream.Metadata;
import dev.wasmesh.host.stream.NodeInfo;
import dev.wasmesh.host.stream.StreamInfo;
import dev.wasmesh.host.stream.TlsInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

/**
 * Envoy's attributes as proxy_get_property answers them: strings raw, integers as 8-byte little-endian, booleans as
 * one byte, timestamps and durations as 8-byte nanoseconds, maps in the header-pairs encoding.
 */
public final class Properties {
    private Properties() {}

    /**
     * First path segments that name an attribute rather than a value set with proxy_set_property: Envoy's (its CEL
     * activation and its own tokens, including those wasmesh answers NOT_FOUND) and the top-level ones wasmesh
     * answers.
     */
    private static final Set<String> ATTRIBUTES = Set.of(
            "request",
            "response",
            "connection",
            "upstream",
            "source",
            "destination",
            "metadata",
            "filter_state",
            "upstream_filter_state",
            "xds",
            "plugin_name",
            "plugin_root_id",
            "plugin_vm_id",
            "connection_id",
            "node",
            "cluster_name",
            "cluster_metadata",
            "route_name",
            "route_metadata",
            "listener_direction",
            "listener_metadata",
            "upstream_host_metadata");

    public static boolean isAttribute(String name) {
        return ATTRIBUTES.contains(name);
    }

    static byte[] string(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A header's value as its bytes, unchanged. */
    private static byte[] headerBytes(String s) {
        return s.getBytes(HeaderMap.BYTES);
    }

    static byte[] int64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    static byte[] bool(boolean b) {
        return new byte[] {(byte) (b ? 1 : 0)};
    }

    public static Optional<byte[]> resolve(Context ctx, String[] path) {
        PluginConfig plugin = ctx.plugin();
        switch (path[0]) {
            case "plugin_name":
                return Optional.of(string(plugin.name()));
            case "plugin_root_id":
                return Optional.of(string(plugin.rootId()));
            case "plugin_vm_id":
                return Optional.of(string(plugin.vmId()));
            case "node":
                return node(ctx, path, 1);
            default:
                break;
        }
        StreamInfo info = GuestAccess.streamInfo(ctx);
        if (path[0].equals("xds")) {
            // As Envoy: the node is there for every context, the rest only on a stream.
            if (path.length >= 2 && path[1].equals("node")) {
                return node(ctx, path, 2);
            }
            return info == null || path.length < 2 ? Optional.empty() : xds(info, path[1], path, 2);
        }
        if (info == null) {
            return Optional.empty();
        }
        // request.* and response.* describe an HTTP stream; a TCP connection has neither.
        boolean http = !(ctx instanceof NetworkContext);
        switch (path[0]) {
            case "request":
                return path.length < 2 || !http ? Optional.empty() : request(ctx, info, path);
            case "response":
                return path.length < 2 || !http ? Optional.empty() : response(ctx, info, path);
            case "source":
                return address(path, info.sourceAddress(), info.sourcePort());
            case "destination":
                return address(path, info.destinationAddress(), info.destinationPort());
            case "upstream":
                return address(path, info.upstreamAddress(), info.upstreamPort());
            case "connection":
                return path.length < 2 ? Optional.empty() : connection(info, path[1]);
            case "cluster_name":
                info.routeKnown();
                return nonEmpty(info.clusterName());
            case "route_name":
                info.routeKnown();
                return nonEmpty(info.routeName());
            case "listener_direction":
                return Optional.of(int64(info.listenerDirection()));
            case "cluster_metadata":
            case "route_metadata":
            case "listener_metadata":
            case "upstream_host_metadata":
                return xds(info, path[0], path, 1);
            case "metadata":
                // The stream's dynamic metadata, which no filter wasmesh runs writes: always empty.
                return walk(PropertyValues.metadata(Metadata.EMPTY), path, 1);
            case "filter_state":
                return filterState(info, path);
            default:
                return Optional.empty();
        }
    }

    /** {@code xds.<name>} (or the older top-level name) and the segments below it, from {@code from} on. */
    private static Optional<byte[]> xds(StreamInfo info, String name, String[] path, int from) {
        switch (name) {
            case "route_name":
            case "route_metadata":
            case "virtual_host_name":
            case "virtual_host_metadata":
                if (!info.routeKnown()) {
                    return Optional.empty();
                }
                break;
            case "cluster_name":
            case "cluster_metadata":
                if (!info.routeKnown() || info.clusterName().isEmpty()) {
                    return Optional.empty(); // no route, or one without a cluster (a direct response)
                }
                break;
            default:
                break;
        }
        Object value = switch (name) {
            case "cluster_name" -> info.clusterName();
            case "cluster_metadata" -> PropertyValues.metadata(info.clusterMetadata());
            case "route_name" -> info.routeName();
            case "route_metadata" -> PropertyValues.metadata(info.routeMetadata());
            case "virtual_host_name" -> info.virtualHostName();
            case "virtual_host_metadata" -> PropertyValues.metadata(info.virtualHostMetadata());
            case "listener_metadata" -> PropertyValues.metadata(info.listenerMetadata());
            case "filter_chain_name" -> info.filterChainName();
            case "listener_direction" -> (long) info.listenerDirection();
            case "upstream_host_metadata" ->
                info.upstreamHostMetadata() == null ? null : PropertyValues.metadata(info.upstreamHostMetadata());
            default -> null;
        };
        return value == null ? Optional.empty() : walk(value, path, from);
    }

    /**
     * The node: values the embedder set at a dotted path ({@link HostEnvironment#setNodeProperty}) first, then the
     * configured {@link NodeInfo} as the {@code config.core.v3.Node} message Envoy has.
     */
    private static Optional<byte[]> node(Context ctx, String[] path, int from) {
        HostEnvironment env = ctx.vm().env();
        StringBuilder dotted = new StringBuilder("node");
        for (int i = from; i < path.length; i++) {
            dotted.append('.').append(path[i]);
        }
        Optional<byte[]> given = env.nodeProperty(dotted.toString());
        if (given.isPresent()) {
            return given;
        }
        return env.node() == null ? Optional.empty() : walk(PropertyValues.node(env.node()), path, from);
    }

    /** {@code filter_state.wasm.<name>}: a value set with proxy_set_property, under Envoy's key for it. */
    private static Optional<byte[]> filterState(StreamInfo info, String[] path) {
        if (path.length != 2 || !path[1].startsWith("wasm.")) {
            return Optional.empty();
        }
        return Optional.ofNullable(info.filterState(path[1].substring("wasm.".length())));
    }

    private static Optional<byte[]> walk(Object value, String[] path, int from) {
        return PropertyValues.walk(value, path, from).map(PropertyValues::serialize);
    }

    private static Optional<byte[]> nonEmpty(String s) {
        return s.isEmpty() ? Optional.empty() : Optional.of(string(s));
    }

    private static Optional<byte[]> address(String[] path, String address, int port) {
        if (path.length != 2 || address.isEmpty()) {
            return Optional.empty();
        }
        switch (path[1]) {
            case "address":
                return Optional.of(string(address + ":" + port));
            case "port":
                return Optional.of(int64(port));
            default:
                return Optional.empty();
        }
    }

    private static Optional<byte[]> header(Context ctx, MapType map, String name) {
        return ctx.headerMap(map).flatMap(h -> h.get(name)).map(Properties::headerBytes);
    }

    private static Optional<byte[]> request(Context ctx, StreamInfo info, String[] path) {
        HeaderMap headers = ctx.headerMap(MapType.HTTP_REQUEST_HEADERS).orElse(null);
        switch (path[1]) {
            case "headers":
                return headerMap(headers, path);
            case "path":
                return header(ctx, MapType.HTTP_REQUEST_HEADERS, ":path");
            case "url_path":
                return pathPart(headers, false);
            case "query":
                return pathPart(headers, true);
            case "host":
                return header(ctx, MapType.HTTP_REQUEST_HEADERS, ":authority");
            case "scheme":
                return header(ctx, MapType.HTTP_REQUEST_HEADERS, ":scheme");
            case "method":
                return header(ctx, MapType.HTTP_REQUEST_HEADERS, ":method");
            case "referer":
                return header(ctx, MapType.HTTP_REQUEST_HEADERS, "referer");
            case "useragent":
                return header(ctx, MapType.HTTP_REQUEST_HEADERS, "user-agent");
            case "id":
                return header(ctx, MapType.HTTP_REQUEST_HEADERS, "x-request-id");
            case "protocol":
                return Optional.of(string(info.protocol()));
            case "time":
                return Optional.of(int64(info.startTimeNanos()));
            case "duration":
                return info.startTimeNanos() == 0
                        ? Optional.empty()
                        : Optional.of(int64(ctx.vm().env().clock().realtimeNanos() - info.startTimeNanos()));
            case "size":
                return Optional.of(int64(info.requestBodySize()));
            case "total_size":
                return Optional.of(int64(info.requestBodySize() + (headers == null ? 0 : headers.byteSize())));
            default:
                return Optional.empty();
        }
    }

    /**
     * A map attribute, or one entry of it. As in Envoy, the map exists while its headers are out of reach too (it is
     * empty then), and a missing entry is NOT_FOUND.
     */
    private static Optional<byte[]> headerMap(HeaderMap headers, String[] path) {
        if (path.length == 2) {
            return Optional.of(HeaderPairs.encode(headers == null ? new HeaderMap() : headers));
        }
        return path.length == 3 && headers != null
                ? headers.get(HeaderMap.utf8(path[2])).map(Properties::headerBytes)
                : Optional.empty();
    }

    /** {@code :path} split at the first '?': the path before it, or the query after it (empty if none). */
    private static Optional<byte[]> pathPart(HeaderMap headers, boolean query) {
        String path = headers == null ? null : headers.first(":path");
        if (path == null) {
            return Optional.empty();
        }
        int q = path.indexOf('?');
        if (query) {
            return Optional.of(headerBytes(q < 0 ? "" : path.substring(q + 1)));
        }
        return Optional.of(headerBytes(q < 0 ? path : path.substring(0, q)));
    }

    private static Optional<byte[]> response(Context ctx, StreamInfo info, String[] path) {
        switch (path[1]) {
            case "code":
                return info.responseCode() == 0 ? Optional.empty() : Optional.of(int64(info.responseCode()));
            case "code_details":
                return nonEmpty(info.responseCodeDetails());
            case "flags":
                return Optional.of(int64(info.responseFlags()));
            case "grpc_status":
                return header(ctx, MapType.HTTP_RESPONSE_TRAILERS, "grpc-status")
                        .or(() -> header(ctx, MapType.HTTP_RESPONSE_HEADERS, "grpc-status"))
                        .map(b -> int64(Long.parseLong(new String(b, StandardCharsets.UTF_8).trim())));
            case "headers":
            case "trailers": {
                MapType type =
                        path[1].equals("headers") ? MapType.HTTP_RESPONSE_HEADERS : MapType.HTTP_RESPONSE_TRAILERS;
                return headerMap(ctx.headerMap(type).orElse(null), path);
            }
            case "size":
                return Optional.of(int64(info.responseBodySize()));
            case "total_size":
                return Optional.of(int64(info.responseBodySize()
                        + ctx.headerMap(MapType.HTTP_RESPONSE_HEADERS)
                                .map(HeaderMap::byteSize)
                                .orElse(0L)));
            default:
                return Optional.empty();
        }
    }

    private static Optional<byte[]> connection(StreamInfo info, String field) {
        switch (field) {
            case "id":
                return Optional.of(int64(info.connectionId()));
            case "mtls":
                return Optional.of(bool(info.mtls()));
            case "requested_server_name":
                return Optional.of(string(info.requestedServerName()));
            case "tls_version":
                return nonEmpty(info.tlsVersion());
            default:
                return info.tls() == null ? Optional.empty() : tls(info.tls(), field);
        }
    }

    /** As Envoy's SSL extractors: version and subjects always (possibly empty), the rest only where present. */
    private static Optional<byte[]> tls(TlsInfo tls, String field) {
        switch (field) {
            case "subject_local_certificate":
                return Optional.of(string(tls.subjectLocalCertificate()));
            case "subject_peer_certificate":
                return Optional.of(string(tls.subjectPeerCertificate()));
            case "uri_san_local_certificate":
                return nonEmpty(tls.uriSanLocalCertificate());
            case "uri_san_peer_certificate":
                return nonEmpty(tls.uriSanPeerCertificate());
            case "dns_san_local_certificate":
                return nonEmpty(tls.dnsSanLocalCertificate());
            case "dns_san_peer_certificate":
                return nonEmpty(tls.dnsSanPeerCertificate());
            case "sha256_peer_certificate_digest":
                return nonEmpty(tls.sha256PeerCertificateDigest());
            case "peer_certificate":
                return tls.peerCertificatePresented()
                        ? Optional.of(string(tls.urlEncodedPemPeerCertificate()))
                        : Optional.empty();
            default:
                return Optional.empty();
        }
    }
}
