package dev.wasmesh.proxy.http1;

import dev.wasmesh.host.stream.HeaderMap;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;

/** Writes a framed response as Netty's HTTP objects, which an HTTP/2 stream channel turns into frames. */
public final class HttpObjectSink implements Framer.Sink {
    private final Framer.Output out;

    public HttpObjectSink(Framer.Output out) {
        this.out = out;
    }

    @Override
    public void head(HeaderMap headers, long length) {
        HttpResponse r = Headers.toResponse(headers);
        if (length >= 0) {
            HttpUtil.setContentLength(r, length);
        } else if (length == Http1Encoder.CHUNKED) {
            HttpUtil.setTransferEncodingChunked(r, true);
        }
        out.write(r, false);
    }

    @Override
    public void body(byte[] data, boolean last) {
        if (last) {
            out.write(
                    data.length == 0
                            ? LastHttpContent.EMPTY_LAST_CONTENT
                            : new DefaultLastHttpContent(Unpooled.wrappedBuffer(data)),
                    true);
        } else if (data.length > 0) {
            out.write(new DefaultHttpContent(Unpooled.wrappedBuffer(data)), false);
        }
    }

    @Override
    public void trailers(HeaderMap trailers) {
        LastHttpContent last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
        Headers.copyTrailers(trailers, last.trailingHeaders());
        out.write(last, true);
    }
}
