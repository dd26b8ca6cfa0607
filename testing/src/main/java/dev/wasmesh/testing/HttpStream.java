package dev.wasmesh.testing;

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
import dev.wasmesh.stream.CallbackObserver;
import dev.wasmesh.stream.ChainFilter;
import dev.wasmesh.stream.FilterManager;
import dev.wasmesh.stream.FilterManagerCallbacks;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP stream through the filter chain, driven by the same filter manager as {@code wasmesh run}, so it follows
 * Envoy's rules: the request runs through the filters in order and the response in reverse; a filter that pauses
 * holds its direction until it continues; while a filter pauses on a body the next chunk is appended and it sees the
 * whole buffered body, and data sent while a filter pauses on headers waits in front of it. Call the phases in the
 * order a proxy would; each returns PAUSE if some filter holds what was sent, else CONTINUE. The getters show the
 * headers, bodies and trailers as the filters left them, what went on upstream and downstream, the local response,
 * and the continue and close calls the filters made. Work the filters started (queue notifications, call-out
 * callbacks, continues, local replies) runs before each method returns.
 *
 * <p>A filter failure surfaces as the host's {@link WasmFailureException} once the stream has applied the plugin's
 * failure policy (FAIL_CLOSED: a 503 reply; FAIL_OPEN: the filter is skipped).
 */
public final class HttpStream extends FilterStream<HttpStream> implements AutoCloseable {
    private final FilterManager manager;
    private final Ends ends = new Ends();
    private final Direction request = new Direction();
    private final Direction response = new Direction();
    private final List<BodyDelivery.Call> bodyCalls = new ArrayList<>();
    private final List<HttpContext> contexts = new ArrayList<>();
    private WasmFailureException failure;
    private String resetDetails;

    /** What one direction saw: the headers it was given, the body as a filter last left it, what passed. */
    private static final class Direction {
        HeaderMap headers;
        HeaderMap trailers;
        Body lastSeen;
        HeaderMap forwardedHeaders;
        HeaderMap forwardedTrailers;
        final ByteArrayOutputStream forwarded = new ByteArrayOutputStream();
        /** Events that passed every filter, to tell whether the one just sent did. */
        int passed;
    }

    HttpStream(ProxyWasmHarness harness, StreamInfo info, Map<String, byte[]> properties) {
        super(harness, info, properties);
        List<ChainFilter> filters = new ArrayList<>();
        for (Plugin p : harness.plugins()) {
            filters.add(new Tracked(p));
        }
        this.manager = new FilterManager(filters, info, harness::defer, ends, harness.bufferLimit(), new Observer());
        manager.open();
        harness.drain();
        rethrow();
    }

    @Override
    HttpContext context() {
        return contexts.get(0);
    }

    @Override
    HttpStream self() {
        return this;
    }

    // ---- request ---------------------------------------------------------------------------------------------

    public Action sendRequestHeaders(Map<String, String> headers, boolean endOfStream) {
        return sendRequestHeaders(HeaderMap.ofText(headers), endOfStream);
    }

    /** proxy_on_request_headers on each filter in turn; the map is copied, read the result with {@link #requestHeaders()}. */
    public Action sendRequestHeaders(HeaderMap headers, boolean endOfStream) {
        HeaderMap map = headers.copy();
        request.headers = map;
        return run(false, () -> manager.decodeHeaders(map, endOfStream));
    }

    public Action sendRequestBody(String chunk, boolean endOfStream) {
        return sendRequestBody(chunk.getBytes(StandardCharsets.UTF_8), endOfStream);
    }

    /** One request data frame; a filter pausing on the body sees it after whatever it still buffers (see class doc). */
    public Action sendRequestBody(byte[] chunk, boolean endOfStream) {
        return run(false, () -> manager.decodeData(chunk.clone(), endOfStream));
    }

    /** Delivers the chunks as consecutive data frames, the last one ending the stream. */
    public BodyDelivery deliverRequestBody(String... chunks) {
        return deliver(request, false, true, texts(chunks));
    }

    /** Delivers the chunks as consecutive data frames; the last one ends the stream if {@code endOfStream}. */
    public BodyDelivery deliverRequestBody(List<byte[]> chunks, boolean endOfStream) {
        return deliver(request, false, endOfStream, chunks);
    }

    public Action sendRequestTrailers(Map<String, String> trailers) {
        return sendRequestTrailers(HeaderMap.ofText(trailers));
    }

    public Action sendRequestTrailers(HeaderMap trailers) {
        HeaderMap map = trailers.copy();
        request.trailers = map;
        return run(false, () -> manager.decodeTrailers(map));
    }

    // ---- response --------------------------------------------------------------------------------------------

    public Action sendResponseHeaders(Map<String, String> headers, boolean endOfStream) {
        return sendResponseHeaders(HeaderMap.ofText(headers), endOfStream);
    }

    /** The upstream's response headers, through the filters in reverse order. */
    public Action sendResponseHeaders(HeaderMap headers, boolean endOfStream) {
        HeaderMap map = headers.copy();
        response.headers = map;
        return run(true, () -> manager.encodeHeaders(map, endOfStream));
    }

    public Action sendResponseBody(String chunk, boolean endOfStream) {
        return sendResponseBody(chunk.getBytes(StandardCharsets.UTF_8), endOfStream);
    }

    public Action sendResponseBody(byte[] chunk, boolean endOfStream) {
        return run(true, () -> manager.encodeData(chunk.clone(), endOfStream));
    }

    public BodyDelivery deliverResponseBody(String... chunks) {
        return deliver(response, true, true, texts(chunks));
    }

    public BodyDelivery deliverResponseBody(List<byte[]> chunks, boolean endOfStream) {
        return deliver(response, true, endOfStream, chunks);
    }

    public Action sendResponseTrailers(Map<String, String> trailers) {
        return sendResponseTrailers(HeaderMap.ofText(trailers));
    }

    public Action sendResponseTrailers(HeaderMap trailers) {
        HeaderMap map = trailers.copy();
        response.trailers = map;
        return run(true, () -> manager.encodeTrailers(map));
    }

    // ---- end of stream ---------------------------------------------------------------------------------------

    /** Ends the stream as Envoy does: proxy_on_done, proxy_on_log, proxy_on_delete on each filter. Idempotent. */
    public void complete() {
        manager.finish();
        harness.drain();
    }

    public boolean completed() {
        return manager.finished();
    }

    /** Same as {@link #complete()}, for try-with-resources. */
    @Override
    public void close() {
        complete();
    }

    // ---- what the filters did --------------------------------------------------------------------------------

    /** PAUSE while a filter holds part of the request (after a PAUSE and until it continues), else CONTINUE. */
    public Action requestAction() {
        return manager.requestHeld() ? Action.PAUSE : Action.CONTINUE;
    }

    public Action responseAction() {
        return manager.responseHeld() ? Action.PAUSE : Action.CONTINUE;
    }

    /** The request headers as the filters left them (a copy). */
    public HeaderMap requestHeaders() {
        return copyOf(request.headers, "request headers");
    }

    /** The response headers as the filters left them (a copy): the upstream's, or those of a local reply. */
    public HeaderMap responseHeaders() {
        HeaderMap h = response.forwardedHeaders != null ? response.forwardedHeaders : response.headers;
        return copyOf(h, "response headers");
    }

    /** Request trailers: those that went upstream, else those sent, or those the first filter added in a body callback. */
    public Optional<HeaderMap> requestTrailers() {
        return trailers(request, context().requestTrailers());
    }

    public Optional<HeaderMap> responseTrailers() {
        return trailers(response, context().responseTrailers());
    }

    private static Optional<HeaderMap> trailers(Direction d, Optional<HeaderMap> added) {
        if (d.forwardedTrailers != null) {
            return Optional.of(d.forwardedTrailers.copy());
        }
        if (d.trailers != null) {
            return Optional.of(d.trailers.copy());
        }
        return added.map(HeaderMap::copy);
    }

    /** The request body as a filter left it in the latest body callback ("" if none ran). */
    public String requestBody() {
        return text(request.lastSeen);
    }

    public byte[] requestBodyBytes() {
        return bytes(request.lastSeen);
    }

    public String responseBody() {
        return text(response.lastSeen);
    }

    public byte[] responseBodyBytes() {
        return bytes(response.lastSeen);
    }

    /** Every request body byte the filters let through so far (towards the upstream), with their changes. */
    public String forwardedRequestBody() {
        return new String(request.forwarded.toByteArray(), StandardCharsets.UTF_8);
    }

    /** Every response body byte that reached the client so far, with the filters' changes. */
    public String forwardedResponseBody() {
        return new String(response.forwarded.toByteArray(), StandardCharsets.UTF_8);
    }

    /** The request headers as they went upstream, once every filter let them through. */
    public Optional<HeaderMap> forwardedRequestHeaders() {
        return Optional.ofNullable(request.forwardedHeaders).map(HeaderMap::copy);
    }

    /** The response headers as they reached the client, once every filter let them through. */
    public Optional<HeaderMap> forwardedResponseHeaders() {
        return Optional.ofNullable(response.forwardedHeaders).map(HeaderMap::copy);
    }

    /** The local response that answered the stream (the first a filter sent, or the stream's own 503). */
    public Optional<LocalResponse> localResponse() {
        Optional<LocalResponse> reply = manager.localReply();
        if (reply.isPresent()) {
            return reply;
        }
        for (HttpContext c : contexts) {
            if (c.localResponse().isPresent()) {
                return c.localResponse();
            }
        }
        return Optional.empty();
    }

    /** Why the stream was reset (e.g. {@code wasm_close_stream}), if it was. */
    public Optional<String> resetDetails() {
        return Optional.ofNullable(resetDetails);
    }

    // ---- internals -------------------------------------------------------------------------------------------

    private Action run(boolean responsePath, Runnable event) {
        if (manager.finished()) {
            throw new IllegalStateException("stream " + contextId() + " is already complete");
        }
        Direction dir = responsePath ? response : request;
        int before = dir.passed;
        event.run();
        // What the chain did with this event itself; continues and replies the filters asked for come after.
        boolean through = dir.passed > before && !(responsePath ? manager.responseHeld() : manager.requestHeld());
        harness.drain();
        rethrow();
        return through ? Action.CONTINUE : Action.PAUSE;
    }

    private void rethrow() {
        if (failure != null) {
            WasmFailureException e = failure;
            failure = null;
            throw e;
        }
    }

    private BodyDelivery deliver(Direction dir, boolean responsePath, boolean endOfStream, List<byte[]> chunks) {
        if (chunks.isEmpty()) {
            throw new IllegalArgumentException("no body chunks to deliver");
        }
        int forwardedBefore = dir.forwarded.size();
        bodyCalls.clear();
        for (int i = 0; i < chunks.size(); i++) {
            boolean last = endOfStream && i == chunks.size() - 1;
            if (responsePath) {
                sendResponseBody(chunks.get(i), last);
            } else {
                sendRequestBody(chunks.get(i), last);
            }
        }
        byte[] all = dir.forwarded.toByteArray();
        byte[] during = Arrays.copyOfRange(all, forwardedBefore, all.length);
        return new BodyDelivery(
                List.copyOf(bodyCalls), during, responsePath ? manager.responseHeld() : manager.requestHeld());
    }

    private static List<byte[]> texts(String[] chunks) {
        List<byte[]> out = new ArrayList<>(chunks.length);
        for (String c : chunks) {
            out.add(c.getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    private static HeaderMap copyOf(HeaderMap map, String what) {
        if (map == null) {
            throw new IllegalStateException("no " + what + " have been sent on this stream yet");
        }
        return map.copy();
    }

    /** A plugin as this stream uses it: its steering recorded, its failure kept for the test. */
    private final class Tracked implements ChainFilter {
        private final Plugin plugin;

        Tracked(Plugin plugin) {
            this.plugin = plugin;
        }

        @Override
        public HttpContext open(StreamControl control, StreamInfo info) {
            HttpContext c = plugin.open(new Recording(control), info);
            contexts.add(c);
            return c;
        }

        @Override
        public FailurePolicy policy() {
            return plugin.policy();
        }

        @Override
        public void failed(WasmFailureException e) {
            if (failure == null) {
                failure = e;
            }
        }
    }

    private final class Recording implements StreamControl {
        private final StreamControl control;

        Recording(StreamControl control) {
            this.control = control;
        }

        @Override
        public void continueStream(StreamType type) {
            recordContinue(type);
            control.continueStream(type);
        }

        @Override
        public void closeStream(StreamType type) {
            recordClose(type);
            control.closeStream(type);
        }

        @Override
        public void sendLocalResponse(LocalResponse r) {
            control.sendLocalResponse(r);
        }
    }

    private final class Observer implements CallbackObserver {
        @Override
        public void headers(int filter, boolean responsePath, Action result) {
            recordAction(result);
        }

        @Override
        public void body(
                int filter, boolean responsePath, Body body, int bodySize, boolean endOfStream, Action result) {
            recordAction(result);
            (responsePath ? response : request).lastSeen = body;
            bodyCalls.add(new BodyDelivery.Call(bodySize, endOfStream, result));
        }
    }

    /** Where the chain sends the stream: recorded, as the upstream and the client would see it. */
    private final class Ends implements FilterManagerCallbacks {
        @Override
        public void upstreamHeaders(HeaderMap headers, boolean endOfStream) {
            request.forwardedHeaders = headers;
            request.passed++;
        }

        @Override
        public void upstreamData(byte[] data, boolean endOfStream) {
            request.forwarded.writeBytes(data);
            request.passed++;
        }

        @Override
        public void upstreamTrailers(HeaderMap trailers) {
            request.forwardedTrailers = trailers;
            request.passed++;
        }

        @Override
        public void cancelUpstream() {}

        @Override
        public void downstreamHeaders(HeaderMap headers, boolean endOfStream) {
            response.forwardedHeaders = headers;
            response.passed++;
        }

        @Override
        public void downstreamData(byte[] data, boolean endOfStream) {
            response.forwarded.writeBytes(data);
            response.passed++;
        }

        @Override
        public void downstreamTrailers(HeaderMap trailers) {
            response.forwardedTrailers = trailers;
            response.passed++;
        }

        @Override
        public boolean downstreamStarted() {
            return response.forwardedHeaders != null;
        }

        @Override
        public void downstreamReply(HeaderMap headers, byte[] body) {
            response.forwardedHeaders = headers;
            response.forwarded.reset();
            response.forwarded.writeBytes(body);
        }

        @Override
        public void reset(String details) {
            resetDetails = details;
            manager.finish();
        }

        @Override
        public void details(String details) {}

        @Override
        public void requestBlocked(boolean blocked) {}

        @Override
        public void responseBlocked(boolean blocked) {}
    }
}
