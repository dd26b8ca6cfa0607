package dev.wasmesh.host;

import dev.wasmesh.host.abi.BufferType;
import dev.wasmesh.host.abi.MapType;
import dev.wasmesh.host.abi.StreamType;
import dev.wasmesh.host.stream.Action;
import dev.wasmesh.host.stream.Body;
import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.host.stream.LocalResponse;
import dev.wasmesh.host.stream.StreamControl;
import dev.wasmesh.host.stream.StreamInfo;
import java.util.Optional;

/**
 * One HTTP stream as a filter sees it. The embedder calls the phase methods in Envoy's order; the header maps and
 * bodies it passes are the live objects the filter reads and changes, so after a call they hold what to forward.
 */
public final class HttpContext extends StreamContext {
    private final StreamControl control;
    // The stream's maps as last seen (trailers also when the filter created them): for proxy_on_log and the embedder.
    private HeaderMap requestHeaders;
    private HeaderMap requestTrailers;
    private HeaderMap responseHeaders;
    private HeaderMap responseTrailers;
    // What the filter reaches now. As in Envoy, a map or body from its callback until the filter lets that phase go
    // on (the callback returns CONTINUE, or proxy_continue_stream); null otherwise.
    private HeaderMap liveRequestHeaders;
    private Body liveRequestBody;
    private HeaderMap liveRequestTrailers;
    private HeaderMap liveResponseHeaders;
    private Body liveResponseBody;
    private HeaderMap liveResponseTrailers;
    private boolean inRequestBodyAtEnd;
    private boolean inResponseBodyAtEnd;
    private boolean inLog;
    private LocalResponse localResponse;

    HttpContext(WasmVm vm, int id, RootContext root, StreamControl control, StreamInfo info) {
        super(vm, id, root, info);
        this.control = control;
    }

    public Action onRequestHeaders(HeaderMap headers, boolean endOfStream) {
        requestHeaders = headers;
        liveRequestHeaders = headers;
        Action action = vm().callHttp(
                        Callback.ON_REQUEST_HEADERS,
                        this,
                        Action::ofHeaders,
                        id(),
                        headers.size(),
                        endOfStream ? 1 : 0);
        if (action == Action.CONTINUE) {
            liveRequestHeaders = null;
        }
        return action;
    }

    /** @param body the whole request body buffered so far (the filter may change it) */
    public Action onRequestBody(Body body, boolean endOfStream) {
        liveRequestBody = body;
        inRequestBodyAtEnd = endOfStream;
        Action action;
        try {
            action = vm().callHttp(
                            Callback.ON_REQUEST_BODY, this, Action::ofBody, id(), body.length(), endOfStream ? 1 : 0);
        } finally {
            inRequestBodyAtEnd = false;
        }
        if (action == Action.CONTINUE) {
            liveRequestBody = null;
        }
        return action;
    }

    public Action onRequestTrailers(HeaderMap trailers) {
        requestTrailers = trailers;
        liveRequestTrailers = trailers;
        Action action = vm().callHttp(Callback.ON_REQUEST_TRAILERS, this, Action::ofTrailers, id(), trailers.size());
        if (action == Action.CONTINUE) {
            liveRequestTrailers = null;
        }
        return action;
    }

    public Action onResponseHeaders(HeaderMap headers, boolean endOfStream) {
        responseHeaders = headers;
        liveResponseHeaders = headers;
        Action action = vm().callHttp(
                        Callback.ON_RESPONSE_HEADERS,
                        this,
                        Action::ofHeaders,
                        id(),
                        headers.size(),
                        endOfStream ? 1 : 0);
        if (action == Action.CONTINUE) {
            liveResponseHeaders = null;
        }
        return action;
    }

    public Action onResponseBody(Body body, boolean endOfStream) {
        liveResponseBody = body;
        inResponseBodyAtEnd = endOfStream;
        Action action;
        try {
            action = vm().callHttp(
                            Callback.ON_RESPONSE_BODY, this, Action::ofBody, id(), body.length(), endOfStream ? 1 : 0);
        } finally {
            inResponseBodyAtEnd = false;
        }
        if (action == Action.CONTINUE) {
            liveResponseBody = null;
        }
        return action;
    }

    public Action onResponseTrailers(HeaderMap trailers) {
        responseTrailers = trailers;
        liveResponseTrailers = trailers;
        Action action = vm().callHttp(Callback.ON_RESPONSE_TRAILERS, this, Action::ofTrailers, id(), trailers.size());
        if (action == Action.CONTINUE) {
            liveResponseTrailers = null;
        }
        return action;
    }

    /** The local response the filter sent, if it sent one. */
    public Optional<LocalResponse> localResponse() {
        return Optional.ofNullable(localResponse);
    }

    /** The request trailers: the ones the stream had, or the ones the filter added at the end of the body. */
    public Optional<HeaderMap> requestTrailers() {
        return Optional.ofNullable(requestTrailers);
    }

    public Optional<HeaderMap> responseTrailers() {
        return Optional.ofNullable(responseTrailers);
    }

    @Override
    void onLog() {
        inLog = true;
        try {
            super.onLog();
        } finally {
            inLog = false;
        }
    }

    @Override
    boolean inAccessLog() {
        return inLog;
    }

    /** In proxy_on_log, Envoy reads the final request and response headers and response trailers. */
    @Override
    HeaderMap headerMapOrNull(MapType type) {
        switch (type) {
            case HTTP_REQUEST_HEADERS:
                return inLog ? requestHeaders : liveRequestHeaders;
            case HTTP_REQUEST_TRAILERS:
                return inLog ? null : liveRequestTrailers;
            case HTTP_RESPONSE_HEADERS:
                return inLog ? responseHeaders : liveResponseHeaders;
            case HTTP_RESPONSE_TRAILERS:
                return inLog ? responseTrailers : liveResponseTrailers;
            default:
                return super.headerMapOrNull(type);
        }
    }

    /** Envoy lets a body callback at end of stream add trailers when there were none. */
    @Override
    HeaderMap mutableHeaderMapOrNull(MapType type) {
        switch (type) {
            case HTTP_REQUEST_HEADERS:
                return liveRequestHeaders;
            case HTTP_REQUEST_TRAILERS:
                if (liveRequestTrailers == null && requestTrailers == null && inRequestBodyAtEnd) {
                    requestTrailers = new HeaderMap();
                    liveRequestTrailers = requestTrailers;
                }
                return liveRequestTrailers;
            case HTTP_RESPONSE_HEADERS:
                return liveResponseHeaders;
            case HTTP_RESPONSE_TRAILERS:
                if (liveResponseTrailers == null && responseTrailers == null && inResponseBodyAtEnd) {
                    responseTrailers = new HeaderMap();
                    liveResponseTrailers = responseTrailers;
                }
                return liveResponseTrailers;
            default:
                return null;
        }
    }

    @Override
    Body bufferOrNull(BufferType type) {
        switch (type) {
            case HTTP_REQUEST_BODY:
                return liveRequestBody;
            case HTTP_RESPONSE_BODY:
                return liveResponseBody;
            default:
                return super.bufferOrNull(type);
        }
    }

    @Override
    void continueStream(StreamType type) {
        if (type != StreamType.HTTP_REQUEST && type != StreamType.HTTP_RESPONSE) {
            super.continueStream(type);
            return;
        }
        // As Envoy, which lets go of the request's maps and body whichever direction the filter continues.
        liveRequestHeaders = null;
        liveRequestBody = null;
        liveRequestTrailers = null;
        control.continueStream(type);
    }

    @Override
    void closeStream(StreamType type) {
        if (type == StreamType.HTTP_REQUEST || type == StreamType.HTTP_RESPONSE) {
            control.closeStream(type);
        }
    }

    /**
     * proxy_send_local_response on this stream. Envoy answers every call with OK; the first reply is the one that
     * stands, so a later one is dropped here.
     */
    void sendLocalResponse(LocalResponse response) {
        if (localResponse == null) {
            localResponse = response;
            control.sendLocalResponse(response);
        }
    }
}
