package dev.wasmesh.proxy.http2;

import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.proxy.http1.Framer;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;

/**
 * Writes a framed response to an HTTP/2 stream channel as frames: a HEADERS frame, DATA frames, and the trailers'
 * HEADERS frame or the last DATA frame ending the stream.
 */
public final class Http2FrameSink implements Framer.Sink {
    private final Framer.Output out;

    public Http2FrameSink(Framer.Output out) {
        this.out = out;
    }

    @Override
    public void head(HeaderMap headers, long length) {
        out.write(new DefaultHttp2HeadersFrame(FrameHeaders.response(headers, length), false), false);
    }

    @Override
    public void body(byte[] data, boolean last) {
        if (last || data.length > 0) {
            out.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(data), last), last);
        }
    }

    @Override
    public void trailers(HeaderMap trailers) {
        if (FrameHeaders.hasTrailers(trailers)) {
            out.write(new DefaultHttp2HeadersFrame(FrameHeaders.responseTrailers(trailers), true), true);
        } else {
            out.write(new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true), true);
        }
    }
}
