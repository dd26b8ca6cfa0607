package dev.wasmesh.proxy;

import dev.wasmesh.host.Action;
import dev.wasmesh.host.Body;
import dev.wasmesh.host.FailurePolicy;
import dev.wasmesh.host.HeaderMap;
import dev.wasmesh.host.HttpContext;
import dev.wasmesh.host.LocalResponse;
import dev.wasmesh.host.StreamControl;
import dev.wasmesh.host.StreamInfo;
import dev.wasmesh.host.WasmFailureException;
import dev.wasmesh.host.abi.StreamType;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * One downstream HTTP request/response through the filter chain and the router, on its worker's loop. The
 * request runs through the filters in order, the response in reverse; filters steer the stream through
 * {@link StreamControl}, whose calls take effect after the callback in progress returns, as in Envoy.
 */
final class HttpStream implements Router.Events {
    /** The connection (HTTP/1.1) or stream channel (HTTP/2) a stream belongs to. */
    interface Owner {
        /** The stream is over: the next request may go. */
        void streamDone();

        /** Whether the stream takes more of the request body now; reading from the client waits while it does not. */
        void readRequest(boolean read);
    }

    private record Local(int status, String details, byte[] body, HeaderMap headers, int grpcStatus) {}

    private static final byte[] BAD_REQUEST = "Bad Request".getBytes(StandardCharsets.US_ASCII);

    private final ProxyServer server;
    private final Worker worker;
    private final String protocol;
    private final Owner owner;
    private final StreamInfo info = new StreamInfo();
    private final ResponseWriter writer;
    private final Router router;
    private final List<FilterInstance> instances;
    private final HttpContext[] contexts;
    private final Pipeline request;
    private final Pipeline response;
    /** Wall time (the host's clock, which filters read too) and monotonic time at the stream's start. */
    private final long startRealtimeNanos;

    private final long startNanos = System.nanoTime();
    private HeaderMap requestHeaders;
    private Local pendingLocal;
    private boolean requestHalted;
    private boolean responseHalted;
    private boolean responseStarted;
    private boolean requestComplete;
    private boolean finished;
    private String details = "";
    private String flags = "";
    private long received;
    /** When bytes last went either way (System.nanoTime), for the stream idle timeout. */
    private long lastActivity = startNanos;
    /** Flow control: what stops reading the request (from the client) or the response (from the upstream). */
    private boolean requestWaitingFull;

    private boolean upstreamFull;
    private boolean responseWaitingFull;
    private boolean downstreamFull;

    HttpStream(
            ProxyServer server,
            Worker worker,
            Channel channel,
            boolean http1,
            String protocol,
            HttpRequest req,
            Owner owner) {
        this.server = server;
        this.worker = worker;
        this.protocol = protocol;
        this.owner = owner;
        FilterChain chain = server.chain();
        this.instances = chain.instances(worker);
        this.contexts = new HttpContext[instances.size()];
        this.writer = new ResponseWriter(
                channel,
                http1,
                http1 && HttpUtil.isKeepAlive(req),
                "HEAD".equals(req.method().name()),
                this::finish);
        this.router = new Router(server.routes(), server, worker, this);
        if (!channel.isWritable()) {
            downstreamFull = true;
            readResponse();
        }
        long limit = server.config().limits().bufferLimitBytes();
        this.request = new Pipeline(
                new Stages(false),
                router,
                full -> {
                    requestWaitingFull = full;
                    readRequest();
                },
                limit);
        this.response = new Pipeline(
                new Stages(true),
                new Downstream(),
                full -> {
                    responseWaitingFull = full;
                    readResponse();
                },
                limit);
        // An HTTP/2 stream's connection is its parent; an HTTP/1.1 connection's parent is the listening socket.
        Channel conn = channel instanceof Http2StreamChannel ? channel.parent() : channel;
        ConnectionInfo.of(conn).applyTo(info);
        startRealtimeNanos = server.env().clock().realtimeNanos();
        info.protocol(protocol).startTimeNanos(startRealtimeNanos);
        server.rqTotal.increment();
        server.rqActive.incrementAndGet();
    }

    /** The request's headers arrived; {@code endOfStream} if it has no body. */
    void start(HttpRequest req, boolean endOfStream) {
        String scheme = info.tls() == null ? "http" : "https";
        requestHeaders = Headers.ofRequest(req, scheme);
        if (!requestHeaders.contains("x-forwarded-proto")) {
            requestHeaders.add("x-forwarded-proto", scheme);
        }
        if (!requestHeaders.contains("x-request-id")) {
            requestHeaders.add("x-request-id", requestId());
        }
        requestComplete = endOfStream;
        boolean unavailable = false;
        for (int i = 0; i < instances.size(); i++) {
            FilterInstance inst = instances.get(i);
            inst.streamStarted();
            if (unavailable) {
                continue;
            }
            try {
                contexts[i] = inst.open(new Control(i), info);
            } catch (WasmFailureException e) {
                unavailable = inst.policy() != FailurePolicy.FAIL_OPEN;
            }
        }
        if (unavailable) {
            failClosed();
            return;
        }
        request.onHeaders(requestHeaders, endOfStream);
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
        if (!finished) {
            request.onData(data, endOfStream);
        }
    }

    void requestTrailers(HeaderMap trailers) {
        requestComplete = true;
        if (!finished) {
            request.onTrailers(trailers);
        }
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
        if (finished) {
            return;
        }
        flags = "DPE";
        requestHalted = true;
        responseHalted = true;
        pendingLocal = null;
        router.cancel();
        details = why;
        if (writer.started()) {
            reset(why);
        } else {
            writeDirect(localHeaders(new Local(400, why, BAD_REQUEST, new HeaderMap(), -1)), BAD_REQUEST);
        }
    }

    /** The client can take (or cannot take) more of the response now: the upstream is read (or not) as it can. */
    void downstreamWritable(boolean writable) {
        downstreamFull = !writable;
        readResponse();
    }

    private void readRequest() {
        if (!finished) {
            owner.readRequest(!requestWaitingFull && !upstreamFull);
        }
    }

    private void readResponse() {
        router.readUpstream(!responseWaitingFull && !downstreamFull);
    }

    /** A timeout expired: Envoy's 408 local reply if no response started, else a reset. */
    void timedOut(int status, String why, String body, String flag) {
        if (finished) {
            return;
        }
        flags = flag;
        if (responseStarted) {
            reset(why);
        } else {
            localReply(new Local(status, why, body.getBytes(StandardCharsets.UTF_8), new HeaderMap(), -1));
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

    // ---- filters ---------------------------------------------------------------------------------------------

    private final class Stages implements Pipeline.Stages {
        private final boolean responsePath;

        Stages(boolean responsePath) {
            this.responsePath = responsePath;
        }

        private int filter(int stage) {
            return responsePath ? contexts.length - 1 - stage : stage;
        }

        @Override
        public int count() {
            return contexts.length;
        }

        @Override
        public boolean active(int stage) {
            return contexts[filter(stage)] != null;
        }

        @Override
        public Action headers(int stage, HeaderMap headers, boolean endOfStream) {
            return call(
                    filter(stage),
                    c -> responsePath
                            ? c.onResponseHeaders(headers, endOfStream)
                            : c.onRequestHeaders(headers, endOfStream));
        }

        @Override
        public Action data(int stage, Body body, boolean endOfStream) {
            return call(
                    filter(stage),
                    c -> responsePath ? c.onResponseBody(body, endOfStream) : c.onRequestBody(body, endOfStream));
        }

        @Override
        public Action trailers(int stage, HeaderMap trailers) {
            return call(
                    filter(stage), c -> responsePath ? c.onResponseTrailers(trailers) : c.onRequestTrailers(trailers));
        }

        @Override
        public boolean halted() {
            return finished || pendingLocal != null || (responsePath ? responseHalted : requestHalted);
        }
    }

    private Action call(int f, Function<HttpContext, Action> callback) {
        try {
            return callback.apply(contexts[f]);
        } catch (WasmFailureException e) {
            FilterInstance inst = instances.get(f);
            inst.onFailure(e);
            HttpContext failed = contexts[f];
            contexts[f] = null;
            failed.finish();
            if (inst.policy() == FailurePolicy.FAIL_OPEN) {
                return Action.CONTINUE;
            }
            failClosed();
            return Action.PAUSE;
        }
    }

    /** How one filter steers this stream; effects run after its callback returns. */
    private final class Control implements StreamControl {
        private final int filter;

        Control(int filter) {
            this.filter = filter;
        }

        @Override
        public void continueStream(StreamType type) {
            worker.loop().execute(() -> {
                if (finished) {
                    return;
                }
                if (type == StreamType.HTTP_REQUEST) {
                    request.resume(filter);
                } else {
                    response.resume(contexts.length - 1 - filter);
                }
            });
        }

        @Override
        public void closeStream(StreamType type) {
            requestHalted = true;
            responseHalted = true;
            worker.loop().execute(() -> reset("wasm_close_stream"));
        }

        @Override
        public void sendLocalResponse(LocalResponse r) {
            localReply(new Local(r.statusCode(), r.details(), r.body(), r.headers(), r.grpcStatus()));
        }
    }

    // ---- the router's reports ----------------------------------------------------------------------------------

    @Override
    public void routed(RouteConfig route, ClusterConfig cluster) {
        info.route(cluster.name(), route.name());
    }

    @Override
    public void upstreamHeaders(HeaderMap headers, boolean endOfStream) {
        if (finished || pendingLocal != null) {
            return;
        }
        lastActivity = System.nanoTime();
        responseStarted = true;
        details = "via_upstream";
        response.onHeaders(headers, endOfStream);
    }

    @Override
    public void upstreamData(byte[] data, boolean endOfStream) {
        if (!finished) {
            lastActivity = System.nanoTime();
            info.responseBodySize(info.responseBodySize() + data.length);
            response.onData(data, endOfStream);
        }
    }

    @Override
    public void upstreamTrailers(HeaderMap trailers) {
        if (!finished) {
            response.onTrailers(trailers);
        }
    }

    @Override
    public void upstreamFailed(int status, String failureDetails, String body, String flag) {
        if (finished) {
            return;
        }
        flags = flag;
        if (responseStarted) {
            reset(failureDetails);
        } else {
            localReply(new Local(status, failureDetails, body.getBytes(StandardCharsets.UTF_8), new HeaderMap(), -1));
        }
    }

    @Override
    public void upstreamWritable(boolean writable) {
        upstreamFull = !writable;
        readRequest();
    }

    @Override
    public void requestOverflow() {
        localReply(new Local(
                413,
                "request_payload_too_large",
                "Payload Too Large".getBytes(StandardCharsets.UTF_8),
                new HeaderMap(),
                -1));
    }

    // ---- local replies, failures, resets ---------------------------------------------------------------------

    private void localReply(Local local) {
        if (finished || pendingLocal != null) {
            return;
        }
        pendingLocal = local;
        worker.loop().execute(this::applyLocal);
    }

    /**
     * Envoy sends a local reply made during the request path through the response filters; one made once the
     * response is under way replaces it if nothing was written yet, and resets the stream otherwise.
     */
    private void applyLocal() {
        Local l = pendingLocal;
        pendingLocal = null;
        if (l == null || finished) {
            return;
        }
        requestHalted = true;
        router.cancel();
        details = l.details();
        HeaderMap headers = localHeaders(l);
        byte[] body = l.grpcStatus() >= 0 && isGrpc() ? new byte[0] : l.body();
        if (!responseStarted) {
            responseStarted = true;
            response.onHeaders(headers, body.length == 0);
            if (body.length > 0) {
                response.onData(body, true);
            }
        } else if (!writer.started()) {
            responseHalted = true;
            writeDirect(headers, body);
        } else {
            reset(l.details());
        }
    }

    private boolean isGrpc() {
        String ct = requestHeaders == null ? null : requestHeaders.first("content-type");
        return ct != null && ct.startsWith("application/grpc");
    }

    /**
     * A gRPC local reply's body as its grpc-message, percent-encoded as the gRPC spec says (bytes outside printable
     * ASCII, and '%'; Envoy encodes it too): a body with CR or LF can never split the header.
     */
    static String percentEncoded(byte[] body) {
        StringBuilder sb = new StringBuilder(body.length);
        for (byte b : body) {
            int c = b & 0xFF;
            if (c < ' ' || c > '~' || c == '%') {
                sb.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            } else {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    private HeaderMap localHeaders(Local l) {
        HeaderMap h = new HeaderMap();
        if (l.grpcStatus() >= 0 && isGrpc()) {
            h.add(":status", "200");
            h.add("content-type", "application/grpc");
            h.add("grpc-status", Integer.toString(l.grpcStatus()));
            h.add("grpc-message", percentEncoded(l.body()));
        } else {
            h.add(":status", Integer.toString(l.status()));
            if (l.body().length > 0) {
                h.add("content-type", "text/plain");
            }
        }
        for (int i = 0; i < l.headers().size(); i++) {
            h.add(l.headers().nameAt(i), l.headers().valueAt(i));
        }
        return h;
    }

    /** A failed filter under FAIL_CLOSED (or FAIL_RELOAD while it reloads) answers 503, bypassing the filters. */
    private void failClosed() {
        requestHalted = true;
        responseHalted = true;
        worker.loop().execute(() -> {
            if (finished) {
                return;
            }
            router.cancel();
            details = "wasm_fail_stream";
            if (writer.started()) {
                reset(details);
            } else {
                writeDirect(localHeaders(new Local(503, details, new byte[0], new HeaderMap(), -1)), new byte[0]);
            }
        });
    }

    private void writeDirect(HeaderMap headers, byte[] body) {
        prepareWriter();
        writer.replace(headers, body);
    }

    private void prepareWriter() {
        if (!requestComplete) {
            writer.noKeepAlive();
        }
    }

    private void reset(String why) {
        if (finished) {
            return;
        }
        details = why;
        router.cancel();
        writer.reset();
        finish();
    }

    private final class Downstream implements Pipeline.Sink {
        @Override
        public void headers(HeaderMap headers, boolean endOfStream) {
            prepareWriter();
            writer.headers(headers, endOfStream);
        }

        @Override
        public void data(byte[] data, boolean endOfStream) {
            writer.data(data, endOfStream);
        }

        @Override
        public void trailers(HeaderMap trailers) {
            writer.trailers(trailers);
        }

        @Override
        public void overflow() {
            responseHalted = true;
            router.cancel();
            details = "response_payload_too_large";
            if (writer.started()) {
                reset(details);
            } else {
                writeDirect(localHeaders(new Local(500, details, new byte[0], new HeaderMap(), -1)), new byte[0]);
            }
        }
    }

    // ---- the end ---------------------------------------------------------------------------------------------

    private void finish() {
        if (finished) {
            return;
        }
        finished = true;
        router.cancel();
        int code = writer.started() ? writer.status() : 0;
        info.response(code, details);
        for (int i = 0; i < contexts.length; i++) {
            HttpContext c = contexts[i];
            if (c != null) {
                try {
                    c.finish();
                } catch (WasmFailureException e) {
                    instances.get(i).onFailure(e);
                }
            }
        }
        instances.forEach(FilterInstance::streamEnded);
        server.rqActive.decrementAndGet();
        if (code > 0) {
            server.countResponse(code);
        }
        HeaderMap h = requestHeaders == null ? new HeaderMap() : requestHeaders;
        Instant start = Instant.ofEpochSecond(0, startRealtimeNanos);
        server.accessLog(new AccessLog.Entry(
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
