package dev.wasmesh.stream;

import dev.wasmesh.host.stream.Action;
import dev.wasmesh.host.stream.Body;
import dev.wasmesh.host.stream.HeaderMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One direction of a stream (request or response) flowing through the filter stages in order, with Envoy's
 * iteration rules: a stage that pauses on headers or trailers holds them until it continues; a stage that pauses
 * on a body buffers it and is called again with the growing body until it continues or the stream ends; data
 * never overtakes its headers (data arriving while headers are held waits in front of that stage). What a stage
 * paused on stays held when the stream halts meanwhile (a local reply, a reset), so it reads as held. Single-threaded.
 */
final class Pipeline {
    /** The filters of this direction, already in its order. */
    interface Stages {
        int count();

        /** False for a stage skipped on this stream (e.g. a failed FAIL_OPEN filter). */
        boolean active(int stage);

        Action headers(int stage, HeaderMap headers, boolean endOfStream);

        Action data(int stage, Body body, boolean endOfStream);

        Action trailers(int stage, HeaderMap trailers);

        /** True once the stream stopped this direction (local reply, reset, failure): nothing moves on then. */
        boolean halted();
    }

    /** Where what passed every stage goes. */
    interface Sink {
        void headers(HeaderMap headers, boolean endOfStream);

        void data(byte[] data, boolean endOfStream);

        void trailers(HeaderMap trailers);

        /** A buffered body grew past the limit. */
        void overflow();
    }

    /**
     * Told when the data waiting in front of a filter paused on headers passes the buffer limit (true), and when it
     * went on (false): the sender is then not read, as Envoy's StopAllIterationAndWatermark (what a wasm filter's
     * pause on headers is there) does, rather than the stream failing.
     */
    interface Watermark {
        void waitingFull(boolean full);
    }

    private record Waiting(int stage, byte[] data, boolean end, HeaderMap trailers) {}

    private final Stages stages;
    private final Sink sink;
    private final Watermark watermark;
    private final long bufferLimit;
    private final int n;
    private final Body[] held;
    private final boolean[] heldEnd;
    private final HeaderMap[] heldTrailers;
    /** Created when something first has to wait: most streams never pause. */
    private ArrayDeque<Waiting> waiting;

    private long waitingBytes;
    private boolean waitingFull;
    private HeaderMap headers;
    private boolean headersEnd;
    private int headersAt = -1;
    private boolean headersPaused;

    Pipeline(Stages stages, Sink sink, Watermark watermark, long bufferLimit) {
        this.stages = stages;
        this.sink = sink;
        this.watermark = watermark;
        this.bufferLimit = bufferLimit;
        this.n = stages.count();
        this.held = new Body[n];
        this.heldEnd = new boolean[n];
        this.heldTrailers = new HeaderMap[n];
    }

    /** Whether a stage holds something of this direction: paused headers, a body, trailers, or data waiting. */
    boolean holding() {
        if (headersPaused || (waiting != null && !waiting.isEmpty())) {
            return true;
        }
        for (int i = 0; i < n; i++) {
            if (held[i] != null || heldTrailers[i] != null) {
                return true;
            }
        }
        return false;
    }

    void onHeaders(HeaderMap h, boolean endOfStream) {
        headers = h;
        headersEnd = endOfStream;
        runHeaders(0);
    }

    void onData(byte[] data, boolean endOfStream) {
        deliverData(0, data, endOfStream);
    }

    void onTrailers(HeaderMap trailers) {
        deliverTrailers(0, trailers);
    }

    /** proxy_continue_stream from the filter at {@code stage}: releases whatever it holds. */
    void resume(int stage) {
        if (stages.halted() || stage < 0 || stage >= n) {
            return;
        }
        if (headersAt == stage && headersPaused) {
            headersPaused = false;
            runHeaders(stage + 1);
        } else if (heldTrailers[stage] != null) {
            HeaderMap t = heldTrailers[stage];
            heldTrailers[stage] = null;
            if (releaseBody(stage, false)) {
                deliverTrailers(stage + 1, t);
            }
        } else if (held[stage] != null) {
            releaseBody(stage, heldEnd[stage]);
        }
    }

    private boolean releaseBody(int stage, boolean end) {
        Body b = held[stage];
        if (b == null) {
            return true;
        }
        held[stage] = null;
        deliverData(stage + 1, b.toByteArray(), end);
        return !stages.halted();
    }

    private void runHeaders(int from) {
        for (int i = from; i < n; i++) {
            headersAt = i;
            if (!stages.active(i)) {
                continue;
            }
            Action a = stages.headers(i, headers, headersEnd);
            if (a == Action.PAUSE) {
                headersPaused = true;
                return;
            }
            if (stages.halted()) {
                return;
            }
        }
        headersAt = n;
        sink.headers(headers, headersEnd);
        replayWaiting();
    }

    private ArrayDeque<Waiting> waiting() {
        if (waiting == null) {
            waiting = new ArrayDeque<>();
        }
        return waiting;
    }

    private void replayWaiting() {
        if (waiting == null || waiting.isEmpty()) {
            return;
        }
        List<Waiting> events = new ArrayList<>(waiting);
        waiting.clear();
        waitingBytes = 0;
        if (waitingFull) {
            waitingFull = false;
            watermark.waitingFull(false);
        }
        for (Waiting w : events) {
            if (stages.halted()) {
                return;
            }
            if (w.trailers() != null) {
                deliverTrailers(w.stage(), w.trailers());
            } else {
                deliverData(w.stage(), w.data(), w.end());
            }
        }
    }

    private void deliverData(int from, byte[] data, boolean end) {
        byte[] d = data;
        for (int j = from; ; j++) {
            if (stages.halted()) {
                return;
            }
            if (j >= n) {
                sink.data(d, end);
                return;
            }
            if (headersAt <= j) {
                waiting().add(new Waiting(j, d, end, null));
                waitingBytes += d.length;
                if (waitingBytes > bufferLimit && !waitingFull) {
                    waitingFull = true;
                    watermark.waitingFull(true);
                }
                return;
            }
            if (!stages.active(j)) {
                continue;
            }
            Body body = held[j];
            if (body == null) {
                body = new Body(d);
            } else {
                body.append(d);
            }
            heldEnd[j] = end;
            Action a = stages.data(j, body, end);
            if (a == Action.PAUSE) {
                held[j] = body;
                if (body.length() > bufferLimit && !stages.halted()) {
                    sink.overflow();
                }
                return;
            }
            if (stages.halted()) {
                return;
            }
            held[j] = null;
            d = body.toByteArray();
        }
    }

    private void deliverTrailers(int from, HeaderMap trailers) {
        for (int j = from; ; j++) {
            if (stages.halted()) {
                return;
            }
            if (j >= n) {
                sink.trailers(trailers);
                return;
            }
            if (headersAt <= j) {
                waiting().add(new Waiting(j, null, false, trailers));
                return;
            }
            if (!stages.active(j)) {
                continue;
            }
            Action a = stages.trailers(j, trailers);
            if (a == Action.PAUSE) {
                heldTrailers[j] = trailers;
                return;
            }
            if (stages.halted()) {
                return;
            }
            if (!releaseBody(j, false)) {
                return;
            }
        }
    }
}
