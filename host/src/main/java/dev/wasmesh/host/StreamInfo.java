package dev.wasmesh.host;

/**
 * Facts about one HTTP stream that filters read as properties ({@code source.address}, {@code response.code}, ...).
 * The embedder fills it in as the stream progresses; the host only reads it.
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
    /** Envoy's listener direction: 0 unspecified, 1 inbound, 2 outbound. */
    private int listenerDirection;

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
        return this;
    }

    public StreamInfo tls(boolean mtls, String tlsVersion, String requestedServerName) {
        this.mtls = mtls;
        this.tlsVersion = tlsVersion;
        this.requestedServerName = requestedServerName;
        return this;
    }

    public StreamInfo listenerDirection(int direction) {
        this.listenerDirection = direction;
        return this;
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

    public int listenerDirection() {
        return listenerDirection;
    }
}
