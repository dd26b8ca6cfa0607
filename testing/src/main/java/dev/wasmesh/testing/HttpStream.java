package dev.wasmesh.testing;

import dev.wasmesh.host.Action;
import dev.wasmesh.host.HeaderMap;
import dev.wasmesh.host.HttpContext;
import dev.wasmesh.host.LocalResponse;
import dev.wasmesh.host.RootContext;
import dev.wasmesh.host.StreamControl;
import dev.wasmesh.host.StreamInfo;
import dev.wasmesh.host.abi.StreamType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One HTTP stream through the filter. Call the phases in the order a proxy would; each returns the filter's
 * {@link Action}, and afterwards the getters show the headers, bodies and trailers as the filter left them, the
 * local response it sent, and the continue/close calls it made. Work the filter started (queue notifications,
 * call-out callbacks, deferred deletes) runs before each method returns.
 *
 * <p>Bodies follow Envoy: while the filter's last body callback paused, the next chunk is appended and the filter
 * sees the whole buffered body; when it continues, the buffer is forwarded. A filter failure surfaces as the host's
 * {@link dev.wasmesh.host.WasmFailureException}.
 */
public final class HttpStream extends FilterStream<HttpStream> implements AutoCloseable {
    private final HttpContext context;
    private final StreamDirection request = new StreamDirection();
    private final StreamDirection response = new StreamDirection();

    HttpStream(ProxyWasmHarness harness, RootContext root, StreamInfo info, Map<String, byte[]> properties) {
        super(harness, info, properties);
        this.context = root.newHttpContext(new Control(), info);
        harness.drain();
    }

    @Override
    HttpContext context() {
        return context;
    }

    @Override
    HttpStream self() {
        return this;
    }

    // ---- request ---------------------------------------------------------------------------------------------

    public Action sendRequestHeaders(Map<String, String> headers, boolean endOfStream) {
        return sendRequestHeaders(HeaderMap.ofText(headers), endOfStream);
    }

    /** proxy_on_request_headers; the map is copied, read the result with {@link #requestHeaders()}. */
    public Action sendRequestHeaders(HeaderMap headers, boolean endOfStream) {
        HeaderMap map = headers.copy();
        return run(() -> request.headers(map, context.onRequestHeaders(map, endOfStream)));
    }

    public Action sendRequestBody(String chunk, boolean endOfStream) {
        return sendRequestBody(chunk.getBytes(StandardCharsets.UTF_8), endOfStream);
    }

    /** proxy_on_request_body with {@code chunk} added to whatever the filter still buffers (see class doc). */
    public Action sendRequestBody(byte[] chunk, boolean endOfStream) {
        return run(() -> request.body(chunk, endOfStream, context::onRequestBody));
    }

    /** Delivers the chunks as consecutive data frames, the last one ending the stream. */
    public BodyDelivery deliverRequestBody(String... chunks) {
        return deliver(request, true, texts(chunks), this::sendRequestBody);
    }

    /** Delivers the chunks as consecutive data frames; the last one ends the stream if {@code endOfStream}. */
    public BodyDelivery deliverRequestBody(List<byte[]> chunks, boolean endOfStream) {
        return deliver(request, endOfStream, chunks, this::sendRequestBody);
    }

    public Action sendRequestTrailers(Map<String, String> trailers) {
        return sendRequestTrailers(HeaderMap.ofText(trailers));
    }

    public Action sendRequestTrailers(HeaderMap trailers) {
        HeaderMap map = trailers.copy();
        return run(() -> request.trailers(context.onRequestTrailers(map)));
    }

    // ---- response --------------------------------------------------------------------------------------------

    public Action sendResponseHeaders(Map<String, String> headers, boolean endOfStream) {
        return sendResponseHeaders(HeaderMap.ofText(headers), endOfStream);
    }

    public Action sendResponseHeaders(HeaderMap headers, boolean endOfStream) {
        HeaderMap map = headers.copy();
        return run(() -> response.headers(map, context.onResponseHeaders(map, endOfStream)));
    }

    public Action sendResponseBody(String chunk, boolean endOfStream) {
        return sendResponseBody(chunk.getBytes(StandardCharsets.UTF_8), endOfStream);
    }

    public Action sendResponseBody(byte[] chunk, boolean endOfStream) {
        return run(() -> response.body(chunk, endOfStream, context::onResponseBody));
    }

    public BodyDelivery deliverResponseBody(String... chunks) {
        return deliver(response, true, texts(chunks), this::sendResponseBody);
    }

    public BodyDelivery deliverResponseBody(List<byte[]> chunks, boolean endOfStream) {
        return deliver(response, endOfStream, chunks, this::sendResponseBody);
    }

    public Action sendResponseTrailers(Map<String, String> trailers) {
        return sendResponseTrailers(HeaderMap.ofText(trailers));
    }

    public Action sendResponseTrailers(HeaderMap trailers) {
        HeaderMap map = trailers.copy();
        return run(() -> response.trailers(context.onResponseTrailers(map)));
    }

    // ---- end of stream ---------------------------------------------------------------------------------------

    /** Ends the stream as Envoy does: proxy_on_done, proxy_on_log, proxy_on_delete. Idempotent. */
    public void complete() {
        context.finish();
        harness.drain();
    }

    public boolean completed() {
        return context.finished();
    }

    /** Same as {@link #complete()}, for try-with-resources. */
    @Override
    public void close() {
        complete();
    }

    // ---- what the filter did ---------------------------------------------------------------------------------

    /** PAUSE while the filter holds the request (after a PAUSE and until it continues), else CONTINUE. */
    public Action requestAction() {
        return request.action();
    }

    public Action responseAction() {
        return response.action();
    }

    /** The request headers as the filter left them (a copy). */
    public HeaderMap requestHeaders() {
        return copyOf(request.headers(), "request headers");
    }

    public HeaderMap responseHeaders() {
        return copyOf(response.headers(), "response headers");
    }

    /** Request trailers: those sent, or those the filter added in its last body callback. */
    public Optional<HeaderMap> requestTrailers() {
        return context.requestTrailers().map(HeaderMap::copy);
    }

    public Optional<HeaderMap> responseTrailers() {
        return context.responseTrailers().map(HeaderMap::copy);
    }

    /** The request body as the filter left it in its latest body callback ("" if none ran). */
    public String requestBody() {
        return text(request.lastSeen());
    }

    public byte[] requestBodyBytes() {
        return bytes(request.lastSeen());
    }

    public String responseBody() {
        return text(response.lastSeen());
    }

    public byte[] responseBodyBytes() {
        return bytes(response.lastSeen());
    }

    /** Every request body byte the filter let through so far, with its changes. */
    public String forwardedRequestBody() {
        return new String(request.forwarded(), StandardCharsets.UTF_8);
    }

    public String forwardedResponseBody() {
        return new String(response.forwarded(), StandardCharsets.UTF_8);
    }

    /** The local response the filter sent with proxy_send_local_response, if any. */
    public Optional<LocalResponse> localResponse() {
        return context.localResponse();
    }

    // ---- internals -------------------------------------------------------------------------------------------

    private Action run(Supplier<Action> phase) {
        if (context.finished()) {
            throw new IllegalStateException("stream " + context.id() + " is already complete");
        }
        Action action = runCallback(phase);
        harness.drain();
        return action;
    }

    private interface ChunkSender {
        Action send(byte[] chunk, boolean endOfStream);
    }

    private BodyDelivery deliver(StreamDirection dir, boolean endOfStream, List<byte[]> chunks, ChunkSender sender) {
        if (chunks.isEmpty()) {
            throw new IllegalArgumentException("no body chunks to deliver");
        }
        int forwardedBefore = dir.forwarded().length;
        List<BodyDelivery.Call> calls = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            boolean last = endOfStream && i == chunks.size() - 1;
            int size = (dir.holdsBody() ? dir.lastSeen().length() : 0) + chunks.get(i).length;
            calls.add(new BodyDelivery.Call(size, last, sender.send(chunks.get(i), last)));
        }
        byte[] all = dir.forwarded();
        return new BodyDelivery(calls, Arrays.copyOfRange(all, forwardedBefore, all.length), dir.holdsBody());
    }

    @Override
    void continued(StreamType type) {
        (type == StreamType.HTTP_RESPONSE ? response : request).continued();
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

    private final class Control extends Steering implements StreamControl {
        @Override
        public void sendLocalResponse(LocalResponse localResponse) {
            // Kept by the host's HttpContext; read through localResponse().
        }
    }
}
