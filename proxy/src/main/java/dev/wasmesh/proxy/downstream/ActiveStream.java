package dev.wasmesh.proxy.downstream;

import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.host.stream.LocalResponse;
import dev.wasmesh.host.stream.Metadata;
import dev.wasmesh.host.stream.StreamInfo;
import dev.wasmesh.proxy.config.ClusterConfig;
import dev.wasmesh.proxy.config.RouteConfig;
import dev.wasmesh.proxy.log.AccessLog;
import dev.wasmesh.proxy.transport.ConnectionInfo;
import dev.wasmesh.proxy.upstream.Router;
import dev.wasmesh.proxy.worker.Worker;
import dev.wasmesh.stream.FilterManager;
import dev.wasmesh.stream.FilterManagerCallbacks;
import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One downstream HTTP request/response on its worker's loop: adapts the codec (request events in, a
 * {@link ResponseWriter} out) and the {@link Router} to the stream's {@link FilterManager}, which runs the filter
 * chain with Envoy's rules. It owns what is the transport's: flow control, timeouts, codec errors, the access log.
 */
final class ActiveStream implements Router.Events, FilterManagerCallbacks {
    /** The connection (HTTP/1.1) or stream channel (HTTP/2) a stream belongs to. */
    interface Owner {
        /** The stream is over: the next request may go. */
        void streamDone();

        /** Whether the stream takes more of the request body now; reading from the client waits while it does not. */
        void readRequest(boolean read);
    }

    private static final byte[] BAD_REQUEST = "Bad Request".getBytes(StandardCharsets.US_ASCII);

    private final Listener listener;
    private final String protocol;
    private final Owner owner;
    private final StreamInfo info = new StreamInfo();
    private final ResponseWriter writer;
    private final Router router;
    private final FilterManager filters;
    /** Wall time (the host's clock, which filters read too) and monotonic time at the stream's start. */
    private final long startRealtimeNanos;

    private final long startNanos = System.nanoTime();
    private HeaderMap requestHeaders;
    private boolean requestComplete;
    private boolean finished;
    private String details = "";
    private String flags = "";
    private long received;
    /** When bytes last went either way (System.nanoTime), for the stream idle timeout. */
    private long lastActivity = startNanos;
    /** Flow control: what stops reading the request (from the client) or the response (from the upstream). */
    private boolean requestBlocked;

    private boolean upstreamFull;
    private boolean responseBlocked;
    private boolean downstreamFull;

    ActiveStream(
            Listener listener,
            Worker worker,
            Channel channel,
            boolean http1,
            String protocol,
            boolean keepAlive,
            boolean headRequest,
            Owner owner) {
        this.listener = listener;
        this.protocol = protocol;
        this.owner = owner;
        this.writer = new ResponseWriter(channel, http1, keepAlive, headRequest, this::finish);
        this.router = new Router(listener.routes(), listener.clusters(), listener.stats(), worker.pool(), this);
        this.filters = new FilterManager(
                listener.chain().instances(worker),
                info,
                worker.loop(),
                this,
                listener.limits().bufferLimitBytes());
        if (!channel.isWritable()) {
            downstreamFull = true;
            readResponse();
        }
        // An HTTP/2 stream's connection is its parent; an HTTP/1.1 connection's parent is the listening socket.
        Channel conn = channel instanceof Http2StreamChannel ? channel.parent() : channel;
        ConnectionInfo.of(conn).applyTo(info);
        startRealtimeNanos = listener.clock().realtimeNanos();
        info.protocol(protocol).startTimeNanos(startRealtimeNanos).routeLookup(this::lookUpRoute);
        listener.config().info().applyTo(info);
        listener.rqTotal.increment();
        listener.rqActive.incrementAndGet();
    }

    /** The request's scheme as Envoy sets it: "https" on a TLS connection, else "http". */
    static String scheme(Channel connection) {
        return ConnectionInfo.of(connection).tls() == null ? "http" : "https";
    }

    /**
     * The request's headers arrived, with their pseudo-headers ({@code :scheme} the connection's); {@code endOfStream}
     * if it has no body.
     */
    void start(HeaderMap request, boolean endOfStream) {
        requestHeaders = request;
        if (!requestHeaders.contains("x-forwarded-proto")) {
            requestHeaders.add("x-forwarded-proto", requestHeaders.first(":scheme"));
        }
        if (!requestHeaders.contains("x-request-id")) {
            requestHeaders.add("x-request-id", requestId());
        }
        requestComplete = endOfStream;
        filters.decodeHeaders(requestHeaders, endOfStream);
    }

    /**
     * A random (version 4) UUID. Like Envoy's, it comes from a fast non-cryptographic generator: a request id
     * traces, it guards nothing, and {@link UUID#randomUUID()}'s shared SecureRandom is a per-request lock.
     */
    private static String requestId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (r.nextLong() & ~(0xC000_0000_0000_0000L)) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb).toString();
    }

    void requestData(byte[] data, boolean endOfStream) {
        lastActivity = System.nanoTime();
        received += data.length;
        info.requestBodySize(received);
        requestComplete |= endOfStream;
        filters.decodeData(data, endOfStream);
    }

    void requestTrailers(HeaderMap trailers) {
        requestComplete = true;
        filters.decodeTrailers(trailers);
    }

    /** The client went away before the response was complete. */
    void downstreamClosed() {
        if (!finished) {
            flags = "DC";
            details = "downstream_remote_disconnect";
            finish();
        }
    }

    /**
     * The request could not be read on (a codec error in its body): 400 with Envoy's details, bypassing the filters,
     * if nothing of the response was written yet, else a reset. The connection closes either way.
     */
    void codecError(String why) {
        if (!finished) {
            flags = "DPE";
            filters.replyDirect(new LocalResponse(400, why, BAD_REQUEST, new HeaderMap(), -1));
        }
    }

    /** The client can take (or cannot take) more of the response now: the upstream is read (or not) as it can. */
    void downstreamWritable(boolean writable) {
        downstreamFull = !writable;
        readResponse();
    }

    private void readRequest() {
        if (!finished) {
            owner.readRequest(!requestBlocked && !upstreamFull);
        }
    }

    private void readResponse() {
        router.readUpstream(!responseBlocked && !downstreamFull);
    }

    /** A timeout expired: Envoy's 408 local reply if no response started, else a reset. */
    void timedOut(int status, String why, String body, String flag) {
        if (!finished) {
            flags = flag;
            answer(status, why, body);
        }
    }

    /** An answer of the proxy's own: a local reply through the filters if no response started, else a reset. */
    private void answer(int status, String why, String body) {
        if (filters.responseStarted()) {
            reset(why);
        } else {
            filters.sendLocalReply(
                    new LocalResponse(status, why, body.getBytes(StandardCharsets.UTF_8), new HeaderMap(), -1));
        }
    }

    boolean requestComplete() {
        return requestComplete;
    }

    long startNanos() {
        return startNanos;
    }

    long lastActivity() {
        return lastActivity;
    }

    boolean finished() {
        return finished;
    }

    // ---- the filter manager's ends -----------------------------------------------------------------------------

    @Override
    public void upstreamHeaders(HeaderMap headers, boolean endOfStream) {
        router.headers(headers, endOfStream);
    }

    @Override
    public void upstreamData(byte[] data, boolean endOfStream) {
        router.data(data, endOfStream);
    }

    @Override
    public void upstreamTrailers(HeaderMap trailers) {
        router.trailers(trailers);
    }

    @Override
    public void cancelUpstream() {
        router.cancel();
    }

    @Override
    public void downstreamHeaders(HeaderMap headers, boolean endOfStream) {
        prepareWriter();
        serverHeader(headers);
        writer.headers(headers, endOfStream);
    }

    /**
     * Envoy's connection manager names itself in every response, after the filters ({@code server_name} "envoy",
     * {@code server_header_transformation} OVERWRITE by default).
     */
    private static void serverHeader(HeaderMap headers) {
        headers.set("server", "envoy");
    }

    @Override
    public void downstreamData(byte[] data, boolean endOfStream) {
        writer.data(data, endOfStream);
    }

    @Override
    public void downstreamTrailers(HeaderMap trailers) {
        writer.trailers(trailers);
    }

    @Override
    public boolean downstreamStarted() {
        return writer.started();
    }

    @Override
    public void downstreamReply(HeaderMap headers, byte[] body) {
        prepareWriter();
        serverHeader(headers);
        writer.replace(headers, body);
    }

    @Override
    public void details(String details) {
        this.details = details;
    }

    @Override
    public void requestBlocked(boolean blocked) {
        requestBlocked = blocked;
        readRequest();
    }

    @Override
    public void responseBlocked(boolean blocked) {
        responseBlocked = blocked;
        readResponse();
    }

    /** A response that ends before the whole request was read closes the connection: the rest cannot be skipped. */
    private void prepareWriter() {
        if (!requestComplete) {
            writer.noKeepAlive();
        }
    }

    // ---- the router's reports ----------------------------------------------------------------------------------

    @Override
    public void routed(RouteConfig route, ClusterConfig cluster) {
        describeRoute(route, cluster);
    }

    /** What filters read of the route: its name, metadata and virtual host, and its cluster's name and metadata. */
    private void describeRoute(RouteConfig route, ClusterConfig cluster) {
        info.route(cluster == null ? "" : cluster.name(), route.name())
                .routeMetadata(
                        route.metadata(),
                        cluster == null ? Metadata.EMPTY : cluster.metadata(),
                        route.virtualHost(),
                        route.virtualHostMetadata());
    }

    /** Envoy finds the route before the filters run; here a filter that asks gets the route its headers match now. */
    private void lookUpRoute() {
        RouteConfig r = requestHeaders == null ? null : Router.match(listener.routes(), requestHeaders);
        if (r != null) {
            describeRoute(r, r.direct() != null ? null : listener.clusters().get(r.cluster()));
        }
    }

    @Override
    public void upstreamHost(String address, int port, Metadata metadata) {
        info.upstream(address, port).upstreamHostMetadata(metadata);
    }

    @Override
    public void upstreamResponseHeaders(HeaderMap headers, boolean endOfStream) {
        if (finished) {
            return;
        }
        lastActivity = System.nanoTime();
        details = "via_upstream";
        filters.encodeHeaders(headers, endOfStream);
    }

    @Override
    public void upstreamResponseData(byte[] data, boolean endOfStream) {
        if (!finished) {
            lastActivity = System.nanoTime();
            info.responseBodySize(info.responseBodySize() + data.length);
            filters.encodeData(data, endOfStream);
        }
    }

    @Override
    public void upstreamResponseTrailers(HeaderMap trailers) {
        filters.encodeTrailers(trailers);
    }

    @Override
    public void upstreamFailed(int status, String failureDetails, String body, String flag) {
        if (!finished) {
            flags = flag;
            answer(status, failureDetails, body);
        }
    }

    @Override
    public void upstreamWritable(boolean writable) {
        upstreamFull = !writable;
        readRequest();
    }

    // ---- the end ---------------------------------------------------------------------------------------------

    @Override
    public void reset(String why) {
        if (finished) {
            return;
        }
        details = why;
        router.cancel();
        writer.reset();
        finish();
    }

    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        router.cancel();
        int code = writer.started() ? writer.status() : 0;
        info.response(code, details);
        filters.finish();
        listener.rqActive.decrementAndGet();
        if (code > 0) {
            listener.countResponse(code);
        }
        HeaderMap h = requestHeaders == null ? new HeaderMap() : requestHeaders;
        Instant start = Instant.ofEpochSecond(0, startRealtimeNanos);
        listener.accessLog(new AccessLog.Entry(
                start,
                h.get(":method").orElse("-"),
                h.get(":path").orElse("-"),
                protocol,
                code,
                flags,
                received,
                writer.bodyBytes(),
                (System.nanoTime() - startNanos) / 1_000_000,
                h.first("user-agent"),
                h.first("x-request-id"),
                h.first(":authority"),
                router.upstreamHost(),
                details));
        owner.streamDone();
    }
}
