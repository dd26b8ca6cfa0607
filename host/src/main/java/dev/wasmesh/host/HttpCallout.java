package dev.wasmesh.host;

import dev.wasmesh.host.stream.HeaderMap;
import java.time.Duration;

/**
 * One HTTP call-out a filter made with proxy_http_call. The transport answers it once, with {@link #respond} or
 * {@link #fail}; the answer is delivered to the calling root context on its VM's thread.
 */
public final class HttpCallout {
    private final RootContext origin;
    private final int token;
    private final String cluster;
    private final HeaderMap headers;
    private final byte[] body;
    private final HeaderMap trailers;
    private final Duration timeout;
    private volatile boolean answered;

    HttpCallout(
            RootContext origin,
            int token,
            String cluster,
            HeaderMap headers,
            byte[] body,
            HeaderMap trailers,
            Duration timeout) {
        this.origin = origin;
        this.token = token;
        this.cluster = cluster;
        this.headers = headers;
        this.body = body;
        this.trailers = trailers;
        this.timeout = timeout;
    }

    public int token() {
        return token;
    }

    public String cluster() {
        return cluster;
    }

    public HeaderMap headers() {
        return headers.copy();
    }

    public byte[] body() {
        return body.clone();
    }

    public HeaderMap trailers() {
        return trailers.copy();
    }

    public Duration timeout() {
        return timeout;
    }

    public RootContext origin() {
        return origin;
    }

    public boolean answered() {
        return answered;
    }

    /** Delivers the upstream's response to the filter's proxy_on_http_call_response. */
    public void respond(HeaderMap responseHeaders, byte[] responseBody, HeaderMap responseTrailers) {
        if (claim()) {
            HeaderMap h = responseHeaders.copy();
            byte[] b = responseBody.clone();
            HeaderMap t = responseTrailers.copy();
            origin.vm().post(() -> origin.deliverHttpCallResponse(token, h, b, t));
        }
    }

    /** Reports a failed call (reset, timeout, no upstream): Envoy calls back with no headers and no body. */
    public void fail() {
        if (claim()) {
            origin.vm().post(() -> origin.deliverHttpCallResponse(token, null, new byte[0], null));
        }
    }

    private synchronized boolean claim() {
        if (answered) {
            return false;
        }
        answered = true;
        return true;
    }
}
