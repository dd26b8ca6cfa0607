package dev.wasmesh.stream;

import dev.wasmesh.host.FailurePolicy;
import dev.wasmesh.host.HttpContext;
import dev.wasmesh.host.WasmFailureException;
import dev.wasmesh.host.abi.StreamType;
import dev.wasmesh.host.stream.Action;
import dev.wasmesh.host.stream.Body;
import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.host.stream.LocalResponse;
import dev.wasmesh.host.stream.StreamControl;
import dev.wasmesh.host.stream.StreamInfo;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * One HTTP stream through a chain of wasm filters, with Envoy's rules (its {@code FilterManager}): the request runs
 * through the filters in order and the response in reverse; a filter pauses and continues its direction, buffers
 * bodies, answers locally or resets the stream; a failed filter is skipped or answers 503 by its failure policy. The
 * transport around it (the proxy's codecs and router, or the test harness) only feeds events in and takes what
 * comes out through {@link FilterManagerCallbacks}.
 *
 * <p>What a filter asks for during a callback (continue, close, a local reply) takes effect after the callback has
 * returned, through the stream's {@link Executor} (the worker's event loop in the proxy). Single-threaded: every
 * method runs on that executor's thread.
 */
public final class FilterManager {
    /** The most a filter may buffer of a body by default: Envoy's {@code per_connection_buffer_limit_bytes}. */
    public static final long DEFAULT_BUFFER_LIMIT_BYTES = 1 << 20;

    private static final byte[] EMPTY = new byte[0];

    private final List<? extends ChainFilter> filters;
    private final HttpContext[] contexts;
    private final StreamInfo info;
    private final Executor executor;
    private final FilterManagerCallbacks callbacks;
    private final CallbackObserver observer;
    private final Pipeline request;
    private final Pipeline response;

    private HeaderMap requestHeaders;
    private LocalResponse pendingLocal;
    private LocalResponse localReply;
    private boolean opened;
    private boolean unavailable;
    private boolean requestHalted;
    private boolean responseHalted;
    private boolean responseStarted;
    private boolean finished;

    /**
     * @param filters the chain in configuration order
     * @param info the stream's facts, which filters read as properties
     * @param executor runs what filters ask for once their callback has returned
     * @param bufferLimit the most a filter may buffer of a body, and the watermark of data waiting in front of it
     */
    public FilterManager(
            List<? extends ChainFilter> filters,
            StreamInfo info,
            Executor executor,
            FilterManagerCallbacks callbacks,
            long bufferLimit) {
        this(filters, info, executor, callbacks, bufferLimit, CallbackObserver.NONE);
    }

    public FilterManager(
            List<? extends ChainFilter> filters,
            StreamInfo info,
            Executor executor,
            FilterManagerCallbacks callbacks,
            long bufferLimit,
            CallbackObserver observer) {
        this.observer = observer;
        this.filters = List.copyOf(filters);
        this.contexts = new HttpContext[filters.size()];
        this.info = info;
        this.executor = executor;
        this.callbacks = callbacks;
        this.request = new Pipeline(new Stages(false), new Upstream(), callbacks::requestBlocked, bufferLimit);
        this.response = new Pipeline(new Stages(true), new Downstream(), callbacks::responseBlocked, bufferLimit);
    }

    /**
     * Opens one context per filter (proxy_on_context_create), in order. A filter whose VM is down is skipped under
     * FAIL_OPEN; under any other policy the stream answers 503 once its headers arrive. Runs at the first
     * {@link #decodeHeaders} if not called before.
     */
    public void open() {
        if (opened) {
            return;
        }
        opened = true;
        for (int i = 0; i < filters.size(); i++) {
            ChainFilter f = filters.get(i);
            f.streamStarted();
            if (unavailable) {
                continue;
            }
            try {
                contexts[i] = f.open(new Control(i), info);
            } catch (WasmFailureException e) {
                f.failed(e);
                unavailable = f.policy() != FailurePolicy.FAIL_OPEN;
            }
        }
    }

    // ---- the request, from the client --------------------------------------------------------------------------

    public void decodeHeaders(HeaderMap headers, boolean endOfStream) {
        open();
        requestHeaders = headers;
        if (unavailable) {
            failClosed();
            return;
        }
        request.onHeaders(headers, endOfStream);
    }

    public void decodeData(byte[] data, boolean endOfStream) {
        if (!finished) {
            request.onData(data, endOfStream);
        }
    }

    public void decodeTrailers(HeaderMap trailers) {
        if (!finished) {
            request.onTrailers(trailers);
        }
    }

    // ---- the response, from the upstream -----------------------------------------------------------------------

    /** The upstream's response headers; ignored once a local reply answers the stream. */
    public void encodeHeaders(HeaderMap headers, boolean endOfStream) {
        if (finished || pendingLocal != null || localReply != null) {
            return;
        }
        responseStarted = true;
        response.onHeaders(headers, endOfStream);
    }

    public void encodeData(byte[] data, boolean endOfStream) {
        if (!finished && localReply == null) {
            response.onData(data, endOfStream);
        }
    }

    public void encodeTrailers(HeaderMap trailers) {
        if (!finished && localReply == null) {
            response.onTrailers(trailers);
        }
    }

    // ---- local replies ---------------------------------------------------------------------------------------

    /**
     * Answers the stream locally (Envoy's {@code sendLocalReply}), once the callback in progress has returned: a
     * reply made before the response started goes through the response filters; one made after replaces the
     * response if none of it reached the client yet, and resets the stream otherwise. The first reply stands.
     */
    public void sendLocalReply(LocalResponse reply) {
        if (finished || pendingLocal != null) {
            return;
        }
        pendingLocal = reply;
        executor.execute(this::applyLocal);
    }

    /**
     * Answers at once and around the filters (a codec error, a failed filter, a response over the buffer limit), or
     * resets the stream if some of the response reached the client already. Nothing moves through the filters after.
     */
    public void replyDirect(LocalResponse reply) {
        if (finished) {
            return;
        }
        requestHalted = true;
        responseHalted = true;
        pendingLocal = null;
        callbacks.cancelUpstream();
        callbacks.details(reply.details());
        if (callbacks.downstreamStarted()) {
            callbacks.reset(reply.details());
        } else {
            callbacks.downstreamReply(headersOf(reply), reply.body());
        }
    }

    private void applyLocal() {
        LocalResponse l = pendingLocal;
        pendingLocal = null;
        if (l == null || finished) {
            return;
        }
        localReply = l;
        requestHalted = true;
        callbacks.cancelUpstream();
        callbacks.details(l.details());
        HeaderMap headers = headersOf(l);
        byte[] body = l.grpcStatus() >= 0 && isGrpc() ? EMPTY : l.body();
        if (!responseStarted) {
            responseStarted = true;
            response.onHeaders(headers, body.length == 0);
            if (body.length > 0) {
                response.onData(body, true);
            }
        } else if (!callbacks.downstreamStarted()) {
            responseHalted = true;
            callbacks.downstreamReply(headers, body);
        } else {
            callbacks.reset(l.details());
        }
    }

    private boolean isGrpc() {
        String ct = requestHeaders == null ? null : requestHeaders.first("content-type");
        return ct != null && ct.startsWith("application/grpc");
    }

    /** A local reply's headers: Envoy's, or a trailers-only gRPC answer when the request is gRPC. */
    private HeaderMap headersOf(LocalResponse l) {
        HeaderMap h = new HeaderMap();
        if (l.grpcStatus() >= 0 && isGrpc()) {
            h.add(":status", "200");
            h.add("content-type", "application/grpc");
            h.add("grpc-status", Integer.toString(l.grpcStatus()));
            h.add("grpc-message", percentEncoded(l.body()));
        } else {
            h.add(":status", Integer.toString(l.statusCode()));
            if (l.body().length > 0) {
                h.add("content-type", "text/plain");
            }
        }
        HeaderMap extra = l.headers();
        for (int i = 0; i < extra.size(); i++) {
            h.add(extra.nameAt(i), extra.valueAt(i));
        }
        return h;
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

    /** A failed filter under FAIL_CLOSED (or FAIL_RELOAD while it reloads) answers 503, bypassing the filters. */
    private void failClosed() {
        requestHalted = true;
        responseHalted = true;
        executor.execute(() -> replyDirect(new LocalResponse(503, "wasm_fail_stream", EMPTY, new HeaderMap(), -1)));
    }

    // ---- the end ---------------------------------------------------------------------------------------------

    /**
     * Ends the stream for the filters: proxy_on_done, proxy_on_log and proxy_on_delete on each context. The
     * transport calls it once the response is written or the stream reset, after it set the response facts
     * ({@link StreamInfo#response}) that proxy_on_log reads. Idempotent.
     */
    public void finish() {
        if (finished) {
            return;
        }
        finished = true;
        for (int i = 0; i < contexts.length; i++) {
            HttpContext c = contexts[i];
            if (c != null) {
                try {
                    c.finish();
                } catch (WasmFailureException e) {
                    filters.get(i).failed(e);
                }
            }
        }
        if (opened) {
            filters.forEach(ChainFilter::streamEnded);
        }
    }

    public boolean finished() {
        return finished;
    }

    /** Whether a response (the upstream's or a local reply) has entered the response filters. */
    public boolean responseStarted() {
        return responseStarted;
    }

    /** The local reply that answered this stream, if one did. */
    public Optional<LocalResponse> localReply() {
        return Optional.ofNullable(localReply);
    }

    /** Whether some filter holds part of the request (paused headers, a buffered body, trailers, or data waiting). */
    public boolean requestHeld() {
        return request.holding();
    }

    public boolean responseHeld() {
        return response.holding();
    }

    // ---- the filters -----------------------------------------------------------------------------------------

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
            int f = filter(stage);
            Action a = call(
                    f,
                    c -> responsePath
                            ? c.onResponseHeaders(headers, endOfStream)
                            : c.onRequestHeaders(headers, endOfStream));
            observer.headers(f, responsePath, a);
            return a;
        }

        @Override
        public Action data(int stage, Body body, boolean endOfStream) {
            int f = filter(stage);
            int size = body.length();
            Action a = call(
                    f, c -> responsePath ? c.onResponseBody(body, endOfStream) : c.onRequestBody(body, endOfStream));
            observer.body(f, responsePath, body, size, endOfStream, a);
            return a;
        }

        @Override
        public Action trailers(int stage, HeaderMap trailers) {
            int f = filter(stage);
            Action a = call(f, c -> responsePath ? c.onResponseTrailers(trailers) : c.onRequestTrailers(trailers));
            observer.headers(f, responsePath, a);
            return a;
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
            ChainFilter filter = filters.get(f);
            filter.failed(e);
            HttpContext failed = contexts[f];
            contexts[f] = null;
            failed.finish();
            if (filter.policy() == FailurePolicy.FAIL_OPEN) {
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
            executor.execute(() -> {
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
            executor.execute(() -> {
                if (!finished) {
                    callbacks.reset("wasm_close_stream");
                }
            });
        }

        @Override
        public void sendLocalResponse(LocalResponse r) {
            sendLocalReply(r);
        }
    }

    private final class Upstream implements Pipeline.Sink {
        @Override
        public void headers(HeaderMap headers, boolean endOfStream) {
            callbacks.upstreamHeaders(headers, endOfStream);
        }

        @Override
        public void data(byte[] data, boolean endOfStream) {
            callbacks.upstreamData(data, endOfStream);
        }

        @Override
        public void trailers(HeaderMap trailers) {
            callbacks.upstreamTrailers(trailers);
        }

        @Override
        public void overflow() {
            sendLocalReply(new LocalResponse(
                    413,
                    "request_payload_too_large",
                    "Payload Too Large".getBytes(StandardCharsets.UTF_8),
                    new HeaderMap(),
                    -1));
        }
    }

    private final class Downstream implements Pipeline.Sink {
        @Override
        public void headers(HeaderMap headers, boolean endOfStream) {
            callbacks.downstreamHeaders(headers, endOfStream);
        }

        @Override
        public void data(byte[] data, boolean endOfStream) {
            callbacks.downstreamData(data, endOfStream);
        }

        @Override
        public void trailers(HeaderMap trailers) {
            callbacks.downstreamTrailers(trailers);
        }

        @Override
        public void overflow() {
            replyDirect(new LocalResponse(500, "response_payload_too_large", EMPTY, new HeaderMap(), -1));
        }
    }
}
