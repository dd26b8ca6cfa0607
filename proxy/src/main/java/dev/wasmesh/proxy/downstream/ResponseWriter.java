package dev.wasmesh.proxy.downstream;

import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.proxy.http1.Framer;
import dev.wasmesh.proxy.http1.Http1Encoder;
import dev.wasmesh.proxy.http1.Http1Sink;
import dev.wasmesh.proxy.http2.Http2FrameSink;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;

/**
 * Writes a stream's response to the downstream channel: HTTP/1.1 bytes on a connection, frames on an HTTP/2 stream
 * channel. Tells the stream when the last byte is written; an HTTP/1.1 connection that cannot be kept alive
 * closes then. What one call writes goes out with a single flush (headers and a whole body in one syscall).
 */
final class ResponseWriter implements Framer.Output {
    private final Channel channel;
    private final boolean http1;
    private final boolean headRequest;
    private final Runnable onComplete;
    private Framer framer;
    private boolean keepAlive;
    private boolean started;
    private boolean complete;
    private boolean unflushed;
    private int status;

    ResponseWriter(Channel channel, boolean http1, boolean keepAlive, boolean headRequest, Runnable onComplete) {
        this.channel = channel;
        this.http1 = http1;
        this.keepAlive = keepAlive;
        this.headRequest = headRequest;
        this.onComplete = onComplete;
        this.framer = newFramer();
    }

    private Framer newFramer() {
        Framer.Sink sink =
                http1 ? new Http1Sink(channel.alloc(), true, () -> !keepAlive, this) : new Http2FrameSink(this);
        return new Framer(true, this::bodyless, new Framer.Sink() {
            @Override
            public void head(HeaderMap headers, long length) {
                if (!complete) {
                    started = true;
                    status = Http1Encoder.status(headers);
                    sink.head(headers, length);
                }
            }

            @Override
            public void body(byte[] data, boolean last) {
                if (!complete) {
                    sink.body(data, last);
                }
            }

            @Override
            public void trailers(HeaderMap trailers) {
                if (!complete) {
                    sink.trailers(trailers);
                }
            }
        });
    }

    private boolean bodyless(HeaderMap headers) {
        int code = Http1Encoder.status(headers);
        return headRequest || code == 204 || code == 304;
    }

    /** An HTTP/1.1 connection whose request was not read to its end cannot carry another request. */
    void noKeepAlive() {
        keepAlive = false;
    }

    boolean keepAlive() {
        return keepAlive;
    }

    boolean started() {
        return started;
    }

    boolean complete() {
        return complete;
    }

    int status() {
        return status;
    }

    long bodyBytes() {
        return framer.bytes();
    }

    void headers(HeaderMap headers, boolean endOfStream) {
        framer.headers(headers, endOfStream);
        flush();
    }

    void data(byte[] data, boolean endOfStream) {
        framer.data(data, endOfStream);
        flush();
    }

    void trailers(HeaderMap trailers) {
        framer.trailers(trailers);
        flush();
    }

    /** Replaces whatever was pending (nothing has been written yet) with this response. */
    void replace(HeaderMap headers, byte[] body) {
        framer = newFramer();
        framer.headers(headers, body.length == 0);
        if (body.length > 0) {
            framer.data(body, true);
        }
        flush();
    }

    private void flush() {
        if (unflushed) {
            unflushed = false;
            channel.flush();
        }
    }

    @Override
    public void write(Object message, boolean last) {
        // Void promises where nobody waits for the write: a failed write still reaches the pipeline, which closes.
        if (!last) {
            channel.write(message, channel.voidPromise());
            unflushed = true;
            return;
        }
        complete = true;
        unflushed = false;
        if (http1 && !keepAlive) {
            channel.writeAndFlush(message).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.writeAndFlush(message, channel.voidPromise());
        }
        onComplete.run();
    }

    /** Resets the stream: closes the HTTP/1.1 connection, or sends RST_STREAM on HTTP/2. */
    void reset() {
        complete = true;
        channel.close();
    }
}
