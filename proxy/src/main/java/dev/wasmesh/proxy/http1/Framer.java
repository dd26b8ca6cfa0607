package dev.wasmesh.proxy.http1;

import dev.wasmesh.host.stream.HeaderMap;
import java.util.function.Predicate;

/**
 * Frames a message whose headers and body the filters may have changed. Headers are held until the next event so
 * that a body known whole gets an exact content-length; a body that streams, or has trailers, is sent chunked.
 * Messages that never carry a body (HEAD responses, 204, 304) keep their headers as they are and drop any body.
 */
public final class Framer {
    /** How a framed message is written: HTTP/1.1 bytes, or HTTP/2 frames on a stream channel. */
    public interface Sink {
        /**
         * Always followed at once, within the same call into the framer, by {@link #body} or {@link #trailers}.
         *
         * @param length the body's content-length, {@link Http1Encoder#CHUNKED} or {@link Http1Encoder#AS_IS}
         */
        void head(HeaderMap headers, long length);

        void body(byte[] data, boolean last);

        /** Ends a chunked body with trailers. */
        public void trailers(HeaderMap trailers);
    }

    /** Where a sink's messages go; {@code last} marks the message's final write. */
    public interface Output {
        void write(Object message, boolean last);
    }

    private static final byte[] NONE = new byte[0];

    private final boolean response;
    private final Predicate<HeaderMap> bodyless;
    private final Sink sink;
    private HeaderMap pending;
    private boolean dropBody;
    private long bytes;

    /** @param response a response always states its length; a request without a body needs none (a GET) */
    public Framer(boolean response, Predicate<HeaderMap> bodyless, Sink sink) {
        this.response = response;
        this.bodyless = bodyless;
        this.sink = sink;
    }

    /** Body bytes written so far. */
    public long bytes() {
        return bytes;
    }

    public void headers(HeaderMap headers, boolean endOfStream) {
        if (endOfStream) {
            boolean stated = response || headers.contains("content-length");
            sink.head(headers, bodyless.test(headers) || !stated ? Http1Encoder.AS_IS : 0);
            sink.body(NONE, true);
        } else {
            pending = headers;
        }
    }

    public void data(byte[] data, boolean endOfStream) {
        if (pending != null) {
            sendHead(endOfStream ? data.length : Http1Encoder.CHUNKED);
        }
        if (!dropBody) {
            bytes += data.length;
        }
        sink.body(dropBody ? NONE : data, endOfStream);
    }

    public void trailers(HeaderMap trailers) {
        if (pending != null) {
            sendHead(Http1Encoder.CHUNKED);
        }
        if (dropBody) {
            sink.body(NONE, true);
        } else {
            sink.trailers(trailers);
        }
    }

    private void sendHead(long length) {
        HeaderMap h = pending;
        pending = null;
        dropBody = bodyless.test(h);
        sink.head(h, dropBody ? Http1Encoder.AS_IS : length);
    }
}
