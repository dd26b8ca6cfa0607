package dev.wasmesh.testing;

import dev.wasmesh.host.HttpCallout;
import dev.wasmesh.host.stream.HeaderMap;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * An HTTP call-out a filter made with proxy_http_call, waiting for the test to answer it. Answering runs the
 * filter's proxy_on_http_call_response at once (and whatever it triggers, such as continuing a stream).
 */
public final class PendingHttpCall {
    private final HttpCallout call;
    private final Runnable afterAnswer;
    private final long deadlineNanos;

    PendingHttpCall(HttpCallout call, Runnable afterAnswer, long madeAtNanos) {
        this.call = call;
        this.afterAnswer = afterAnswer;
        this.deadlineNanos = call.timeout().isZero()
                ? Long.MAX_VALUE
                : madeAtNanos + call.timeout().toNanos();
    }

    public int token() {
        return call.token();
    }

    public String cluster() {
        return call.cluster();
    }

    /** The request headers the filter sent, pseudo-headers included. */
    public HeaderMap headers() {
        return call.headers();
    }

    public String method() {
        return call.headers().get(":method").orElse("");
    }

    public String path() {
        return call.headers().get(":path").orElse("");
    }

    public String authority() {
        return call.headers().get(":authority").orElse("");
    }

    public byte[] body() {
        return call.body();
    }

    public String bodyText() {
        return new String(call.body(), StandardCharsets.UTF_8);
    }

    public HeaderMap trailers() {
        return call.trailers();
    }

    public Duration timeout() {
        return call.timeout();
    }

    public boolean answered() {
        return call.answered();
    }

    /** Monotonic time at which the harness's clock times this call out; MAX_VALUE for no timeout. */
    long deadlineNanos() {
        return deadlineNanos;
    }

    /** Answers with this status and no headers or body. */
    public void respond(int status) {
        respond(status, Map.of(), "");
    }

    public void respond(int status, String body) {
        respond(status, Map.of(), body);
    }

    /** Answers with {@code :status}, then {@code headers} (text, sent as UTF-8), and a text body. */
    public void respond(int status, Map<String, String> headers, String body) {
        HeaderMap h = HeaderMap.of(":status", Integer.toString(status));
        headers.forEach((name, value) -> h.add(HeaderMap.utf8(name), HeaderMap.utf8(value)));
        respond(h, body.getBytes(StandardCharsets.UTF_8), new HeaderMap());
    }

    /** Answers with exactly these headers (include {@code :status}), body and trailers. */
    public void respond(HeaderMap headers, byte[] body, HeaderMap trailers) {
        requireOpen();
        call.respond(headers, body, trailers);
        afterAnswer.run();
    }

    /** Fails the call (reset, no upstream): the filter is called back with no headers and no body, as in Envoy. */
    public void fail() {
        requireOpen();
        call.fail();
        afterAnswer.run();
    }

    private void requireOpen() {
        if (call.answered()) {
            throw new IllegalStateException(
                    "HTTP call-out " + call.token() + " to " + call.cluster() + " was already answered");
        }
    }

    @Override
    public String toString() {
        return "http call " + call.token() + " to " + cluster() + ": " + method() + " " + path() + " (authority "
                + authority() + ", timeout " + timeout().toMillis() + " ms)";
    }
}
