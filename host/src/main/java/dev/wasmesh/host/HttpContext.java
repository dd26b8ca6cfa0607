package dev.wasmesh.host;

import dev.wasmesh.host.abi.AbiException;
import dev.wasmesh.host.abi.BufferType;
import dev.wasmesh.host.abi.MapType;
import dev.wasmesh.host.abi.Status;
import dev.wasmesh.host.abi.StreamType;
import java.util.Optional;

/**
 * One HTTP stream as a filter sees it. The embedder calls the phase methods in Envoy's order; the header maps and
 * bodies it passes are the live objects the filter reads and changes, so after a call they hold what to forward.
 */
public final class HttpContext extends Context {
    private final RootContext root;
    private final StreamControl control;
    private final StreamInfo info;
    private HeaderMap requestHeaders;
    private Body requestBody;
    private HeaderMap requestTrailers;
    private HeaderMap responseHeaders;
    private Body responseBody;
    private HeaderMap responseTrailers;
    private boolean inRequestBodyAtEnd;
    private boolean inResponseBodyAtEnd;
    private LocalResponse localResponse;
    private boolean finished;

    HttpContext(WasmVm vm, int id, RootContext root, StreamControl control, StreamInfo info) {
        super(vm, id);
        this.root = root;
        this.control = control;
        this.info = info;
    }

    @Override
    public RootContext rootContext() {
        return root;
    }

    @Override
    StreamInfo streamInfo() {
        return info;
    }

    public StreamInfo info() {
        return info;
    }

    public Action onRequestHeaders(HeaderMap headers, boolean endOfStream) {
        requestHeaders = headers;
        return Action.ofHeaders(vm().callStream(Callback.ON_REQUEST_HEADERS, this, id(), headers.size(),
                endOfStream ? 1 : 0));
    }

    /** @param body the whole request body buffered so far (the filter may change it) */
    public Action onRequestBody(Body body, boolean endOfStream) {
        requestBody = body;
        inRequestBodyAtEnd = endOfStream;
        try {
            return Action.ofBody(vm().callStream(Callback.ON_REQUEST_BODY, this, id(), body.length(),
                    endOfStream ? 1 : 0));
        } finally {
            inRequestBodyAtEnd = false;
        }
    }

    public Action onRequestTrailers(HeaderMap trailers) {
        requestTrailers = trailers;
        return Action.ofTrailers(vm().callStream(Callback.ON_REQUEST_TRAILERS, this, id(), trailers.size()));
    }

    public Action onResponseHeaders(HeaderMap headers, boolean endOfStream) {
        responseHeaders = headers;
        return Action.ofHeaders(vm().callStream(Callback.ON_RESPONSE_HEADERS, this, id(), headers.size(),
                endOfStream ? 1 : 0));
    }

    public Action onResponseBody(Body body, boolean endOfStream) {
        responseBody = body;
        inResponseBodyAtEnd = endOfStream;
        try {
            return Action.ofBody(vm().callStream(Callback.ON_RESPONSE_BODY, this, id(), body.length(),
                    endOfStream ? 1 : 0));
        } finally {
            inResponseBodyAtEnd = false;
        }
    }

    public Action onResponseTrailers(HeaderMap trailers) {
        responseTrailers = trailers;
        return Action.ofTrailers(vm().callStream(Callback.ON_RESPONSE_TRAILERS, this, id(), trailers.size()));
    }

    /**
     * Ends the stream as Envoy does: proxy_on_done, proxy_on_log, proxy_on_delete. Safe to call more than once and
     * after a failure (then nothing reaches the guest).
     */
    public void finish() {
        if (finished) {
            return;
        }
        finished = true;
        endStream();
    }

    public boolean finished() {
        return finished;
    }

    /** The local response the filter sent, if it sent one. */
    public Optional<LocalResponse> localResponse() {
        return Optional.ofNullable(localResponse);
    }

    /** Trailers the filter added in a body callback at end of stream, when the stream had none. */
    public Optional<HeaderMap> requestTrailers() {
        return Optional.ofNullable(requestTrailers);
    }

    public Optional<HeaderMap> responseTrailers() {
        return Optional.ofNullable(responseTrailers);
    }

    @Override
    HeaderMap headerMapOrNull(MapType type) {
        switch (type) {
            case HTTP_REQUEST_HEADERS:
                return requestHeaders;
            case HTTP_REQUEST_TRAILERS:
                return requestTrailers;
            case HTTP_RESPONSE_HEADERS:
                return responseHeaders;
            case HTTP_RESPONSE_TRAILERS:
                return responseTrailers;
            default:
                return super.headerMapOrNull(type);
        }
    }

    /** Envoy lets a body callback at end of stream add trailers when there were none. */
    @Override
    HeaderMap writableHeaderMap(MapType type) {
        if (type == MapType.HTTP_REQUEST_TRAILERS && requestTrailers == null && inRequestBodyAtEnd) {
            requestTrailers = new HeaderMap();
        } else if (type == MapType.HTTP_RESPONSE_TRAILERS && responseTrailers == null && inResponseBodyAtEnd) {
            responseTrailers = new HeaderMap();
        }
        return super.writableHeaderMap(type);
    }

    @Override
    Body bufferOrNull(BufferType type) {
        switch (type) {
            case HTTP_REQUEST_BODY:
                return requestBody;
            case HTTP_RESPONSE_BODY:
                return responseBody;
            default:
                return super.bufferOrNull(type);
        }
    }

    @Override
    void continueStream(StreamType type) {
        if (type != StreamType.HTTP_REQUEST && type != StreamType.HTTP_RESPONSE) {
            throw AbiException.BAD_ARGUMENT;
        }
        control.continueStream(type);
    }

    @Override
    void closeStream(StreamType type) {
        if (type != StreamType.HTTP_REQUEST && type != StreamType.HTTP_RESPONSE) {
            throw AbiException.BAD_ARGUMENT;
        }
        control.closeStream(type);
    }

    @Override
    void sendLocalResponse(LocalResponse response) {
        if (localResponse != null) {
            throw new AbiException(Status.BAD_ARGUMENT); // Envoy sends one local reply per stream
        }
        localResponse = response;
        control.sendLocalResponse(response);
    }
}
