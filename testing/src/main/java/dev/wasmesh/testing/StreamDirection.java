package dev.wasmesh.testing;

import dev.wasmesh.host.stream.Action;
import dev.wasmesh.host.stream.Body;
import dev.wasmesh.host.stream.HeaderMap;
import java.io.ByteArrayOutputStream;
import java.util.function.BiFunction;

/**
 * One direction of a stream as Envoy keeps it (request or response of an HTTP stream, downstream or upstream data
 * of a TCP connection): the headers (HTTP only), the data the filter holds back while it pauses, what it let
 * through, and whether it is paused.
 */
final class StreamDirection {
    private HeaderMap headers;
    private Body buffered;
    private Body lastSeen;
    private final ByteArrayOutputStream forwarded = new ByteArrayOutputStream();
    private Action action = Action.CONTINUE;

    HeaderMap headers() {
        return headers;
    }

    Action headers(HeaderMap map, Action result) {
        headers = map;
        return settle(result);
    }

    /**
     * Envoy's body (and TCP data) handling: while the filter's last callback paused, new data is appended to the
     * buffered data and the callback sees all of it (a growing size); once it continues, the buffer is passed on and
     * the next data starts a new one.
     */
    Action body(byte[] chunk, boolean endOfStream, BiFunction<Body, Boolean, Action> callback) {
        if (buffered == null) {
            buffered = new Body();
        }
        buffered.append(chunk);
        lastSeen = buffered;
        return settle(callback.apply(buffered, endOfStream));
    }

    Action trailers(Action result) {
        return settle(result);
    }

    private Action settle(Action result) {
        action = result;
        if (result == Action.CONTINUE) {
            release();
        }
        return result;
    }

    /** The filter continued (by returning CONTINUE or calling proxy_continue_stream): buffered data flows on. */
    void continued() {
        action = Action.CONTINUE;
        release();
    }

    private void release() {
        if (buffered != null) {
            forwarded.writeBytes(buffered.toByteArray());
            buffered = null;
        }
    }

    Action action() {
        return action;
    }

    /** The body as the filter left it in its latest body callback, or null if none ran. */
    Body lastSeen() {
        return lastSeen;
    }

    /** Forgets what was forwarded after the first {@code size} bytes: the connection closed before it went out. */
    void dropForwardedAfter(int size) {
        byte[] all = forwarded.toByteArray();
        forwarded.reset();
        forwarded.write(all, 0, Math.min(size, all.length));
    }

    byte[] forwarded() {
        return forwarded.toByteArray();
    }

    boolean holdsBody() {
        return buffered != null;
    }
}
