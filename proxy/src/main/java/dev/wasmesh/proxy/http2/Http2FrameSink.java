package dev.wasmesh.proxy.http2;

import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.proxy.http1.Framer;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * Writes a framed response to an HTTP/2 stream channel as frames: a HEADERS frame, DATA frames, and the trailers'
 * HEADERS frame or the last DATA frame ending the stream. A response without a body (HEAD, 204, 304, a local reply
 * with none) is one HEADERS frame that ends the stream: the head waits for what follows it, which the framer hands
 * over in the same call.
 */
public final class Http2FrameSink implements Framer.Sink {
    private final Framer.Output out;
    private Http2Headers head;

    public Http2FrameSink(Framer.Output out) {
        this.out = out;
    }

    @Override
    public void head(HeaderMap headers, long length) {
        head = FrameHeaders.response(headers, length);
    }

    @Override
    public void body(byte[] data, boolean last) {
        if (head != null && last && data.length == 0) {
            writeHead(true);
            return;
        }
        writeHead(false);
        if (last || data.length > 0) {
            out.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(data), last), last);
        }
    }

    private void writeHead(boolean endStream) {
        if (head != null) {
            out.write(new DefaultHttp2HeadersFrame(head, endStream), endStream);
            head = null;
        }
    }

    @Override
    public void trailers(HeaderMap trailers) {
        writeHead(false);
        if (FrameHeaders.hasTrailers(trailers)) {
            out.write(new DefaultHttp2HeadersFrame(FrameHeaders.responseTrailers(trailers), true), true);
        } else {
            out.write(new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true), true);
        }
    }
}
