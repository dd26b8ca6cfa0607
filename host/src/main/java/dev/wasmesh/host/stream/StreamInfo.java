package dev.wasmesh.host.stream;

import java.util.HashMap;
import java.util.Map;

/**
 * Facts about one HTTP stream (or TCP connection) that filters read as properties ({@code source.address},
 * {@code response.code}, ...). The embedder fills it in as the stream progresses and gives every filter of the
 * stream the same one; the host writes only the filter state.
 */
public final class StreamInfo {
    private String sourceAddress = "";
    private int sourcePort;
    private String destinationAddress = "";
    private int destinationPort;
    private long connectionId;
    private String protocol = "HTTP/1.1";
    private long startTimeNanos;
    private long requestBodySize;
    private long responseBodySize;
    private int responseCode;
    private String responseCodeDetails = "";
    private long responseFlags;
    private String upstreamAddress = "";
    private int upstreamPort;
    private String clusterName = "";
    private String routeName = "";
    private String requestedServerName = "";
    private String tlsVersion = "";
    private boolean mtls;
    private TlsInfo tls;
    /** Envoy's listener direction: 0 unspecified, 1 inbound, 2 outbound. */
    private int listenerDirection;

    private Metadata routeMetadata = Metadata.EMPTY;
    private Metadata clusterMetadata = Metadata.EMPTY;
    private String virtualHostName = "";
    private Metadata virtualHostMetadata = Metadata.EMPTY;
    private Metadata listenerMetadata = Metadata.EMPTY;
    private String filterChainName = "";
    private Metadata upstreamHostMetadata;
    /** Whether a route is known ({@link #route}), and whether the lookup for one has run. */
    private boolean routeFound;

    private boolean lookedUp;
    private Runnable routeLookup;
    // Created on first use: most streams have neither.
    private Map<String, byte[]> attributes;
    private Map<String, byte[]> filterState;

    public StreamInfo source(String address, int port) {
        this.sourceAddress = address;
        this.sourcePort = port;
        return this;
    }

    public StreamInfo destination(String address, int port) {
        this.destinationAddress = address;
        this.destinationPort = port;
        return this;
    }

    public StreamInfo upstream(String address, int port) {
        this.upstreamAddress = address;
        this.upstreamPort = port;
        return this;
    }

    public StreamInfo connectionId(long id) {
        this.connectionId = id;
        return this;
    }

    public StreamInfo protocol(String protocol) {
        this.protocol = protocol;
        return this;
    }

    public StreamInfo startTimeNanos(long nanos) {
        this.startTimeNanos = nanos;
        return this;
    }

    public StreamInfo requestBodySize(long size) {
        this.requestBodySize = size;
        return this;
    }

    public StreamInfo responseBodySize(long size) {
        this.responseBodySize = size;
        return this;
    }

    public StreamInfo response(int code, String details) {
        this.responseCode = code;
        this.responseCodeDetails = details;
        return this;
    }

    public StreamInfo responseFlags(long flags) {
        this.responseFlags = flags;
        return this;
    }

    public StreamInfo route(String clusterName, String routeName) {
        this.clusterName = clusterName;
        this.routeName = routeName;
        this.routeFound = true;
        return this;
    }

    /** The route's and its cluster's and virtual host's metadata, with {@link #route}. */
    public StreamInfo routeMetadata(
            Metadata route, Metadata cluster, String virtualHostName, Metadata virtualHostMetadata) {
        this.routeMetadata = route;
        this.clusterMetadata = cluster;
        this.virtualHostName = virtualHostName;
        this.virtualHostMetadata = virtualHostMetadata;
        return this;
    }

    /**
     * How to find the route before the embedder has routed the stream, as Envoy finds it when a filter first asks:
     * run when a route attribute is read and no route is known; it is expected to call {@link #route}.
     */
    public StreamInfo routeLookup(Runnable lookup) {
        this.routeLookup = lookup;
        return this;
    }

    /** Envoy's clear_route_cache: the next route attribute read looks the route up again. */
    public StreamInfo clearRoute() {
        if (routeLookup != null) {
            lookedUp = false;
            routeFound = false;
            clusterName = "";
            routeName = "";
        }
        return this;
    }

    /** Whether the stream has a route, looked up now if need be. */
    public boolean routeKnown() {
        if (!routeFound && !lookedUp && routeLookup != null) {
            lookedUp = true; // a lookup that finds no route is not repeated for every attribute read
            routeLookup.run();
        }
        return routeFound;
    }

    /** The metadata of the upstream host (endpoint) the request went to, with {@link #upstream}. */
    public StreamInfo upstreamHostMetadata(Metadata metadata) {
        this.upstreamHostMetadata = metadata;
        return this;
    }

    /** The upstream host's metadata, or null before there is an upstream host. */
    public Metadata upstreamHostMetadata() {
        return upstreamHostMetadata;
    }

    /** The listener's metadata and the name of the filter chain the connection took. */
    public StreamInfo listener(Metadata metadata, String filterChainName) {
        this.listenerMetadata = metadata;
        this.filterChainName = filterChainName;
        return this;
    }

    public StreamInfo tls(boolean mtls, String tlsVersion, String requestedServerName) {
        this.mtls = mtls;
        this.tlsVersion = tlsVersion;
        this.requestedServerName = requestedServerName;
        return this;
    }

    /**
     * The downstream connection's TLS facts, or null for plain text; {@code connection.mtls} and
     * {@code connection.tls_version} follow it.
     */
    public StreamInfo tls(TlsInfo tls, String requestedServerName) {
        this.tls = tls;
        this.mtls = tls != null && tls.peerCertificatePresented();
        this.tlsVersion = tls == null ? "" : tls.version();
        this.requestedServerName = requestedServerName;
        return this;
    }

    public StreamInfo listenerDirection(int direction) {
        this.listenerDirection = direction;
        return this;
    }

    /**
     * An attribute the embedder provides in Envoy's encoding (e.g. {@code metadata} values a test needs), answered
     * at exactly this path ahead of the attributes the host computes.
     */
    public StreamInfo attribute(String[] path, byte[] value) {
        if (attributes == null) {
            attributes = new HashMap<>();
        }
        attributes.put(String.join("\0", path), value.clone());
        return this;
    }

    /** The attribute the embedder gave at exactly this path, or null. */
    public byte[] attribute(String[] path) {
        return attributes == null ? null : attributes.get(String.join("\0", path));
    }

    /**
     * proxy_set_property: as Envoy, the value goes into the stream's filter state (which every filter of the stream
     * shares) under the whole path as the filter sent it.
     */
    public void setFilterState(String key, byte[] value) {
        if (filterState == null) {
            filterState = new HashMap<>();
        }
        filterState.put(key, value.clone());
    }

    /** The value proxy_set_property stored under {@code key}, or null. */
    public byte[] filterState(String key) {
        return filterState == null ? null : filterState.get(key);
    }

    public boolean hasFilterState(String key) {
        return filterState != null && filterState.containsKey(key);
    }

    public String sourceAddress() {
        return sourceAddress;
    }

    public int sourcePort() {
        return sourcePort;
    }

    public String destinationAddress() {
        return destinationAddress;
    }

    public int destinationPort() {
        return destinationPort;
    }

    public long connectionId() {
        return connectionId;
    }

    public String protocol() {
        return protocol;
    }

    public long startTimeNanos() {
        return startTimeNanos;
    }

    public long requestBodySize() {
        return requestBodySize;
    }

    public long responseBodySize() {
        return responseBodySize;
    }

    public int responseCode() {
        return responseCode;
    }

    public String responseCodeDetails() {
        return responseCodeDetails;
    }

    public long responseFlags() {
        return responseFlags;
    }

    public String upstreamAddress() {
        return upstreamAddress;
    }

    public int upstreamPort() {
        return upstreamPort;
    }

    public String clusterName() {
        return clusterName;
    }

    public String routeName() {
        return routeName;
    }

    public String requestedServerName() {
        return requestedServerName;
    }

    public String tlsVersion() {
        return tlsVersion;
    }

    public boolean mtls() {
        return mtls;
    }

    /** The downstream connection's TLS facts, null for plain text. */
    public TlsInfo tls() {
        return tls;
    }

    public int listenerDirection() {
        return listenerDirection;
    }

    public Metadata routeMetadata() {
        return routeMetadata;
    }

    public Metadata clusterMetadata() {
        return clusterMetadata;
    }

    public String virtualHostName() {
        return virtualHostName;
    }

    public Metadata virtualHostMetadata() {
        return virtualHostMetadata;
    }

    public Metadata listenerMetadata() {
        return listenerMetadata;
    }

    public String filterChainName() {
        return filterChainName;
    }
}
