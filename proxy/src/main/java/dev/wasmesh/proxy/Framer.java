package dev.wasmesh.proxy;

import dev.wasmesh.host.HeaderMap;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Frames a message whose headers and body the filters may have changed. Headers are held until the next event so
 * that a body known whole gets an exact content-length; a body that streams, or has trailers, is sent chunked.
 * Messages that never carry a body (HEAD responses, 204, 304) keep their headers as they are.
 */
final class Framer {
    private final Function<HeaderMap, HttpMessage> toMessage;
    private final Predicate<HttpMessage> bodyless;
    private final Consumer<HttpObject> out;
    private HeaderMap pending;
    private long bytes;

    Framer(Function<HeaderMap, HttpMessage> toMessage, Predicate<HttpMessage> bodyless, Consumer<HttpObject> out) {
        this.toMessage = toMessage;
        this.bodyless = bodyless;
        this.out = out;
    }

    /** Body bytes written so far. */
    long bytes() {
        return bytes;
    }

    void headers(HeaderMap headers, boolean endOfStream) {
        if (endOfStream) {
            HttpMessage m = toMessage.apply(headers);
            // A request without a body needs no content-length (GET); a response always states its length.
            if (!bodyless.test(m) && (m instanceof HttpResponse || m.headers().contains("content-length"))) {
                HttpUtil.setContentLength(m, 0);
            }
            out.accept(m);
            out.accept(LastHttpContent.EMPTY_LAST_CONTENT);
        } else {
            pending = headers;
        }
    }

    void data(byte[] data, boolean endOfStream) {
        bytes += data.length;
        if (pending != null) {
            HttpMessage m = toMessage.apply(pending);
            pending = null;
            if (bodyless.test(m)) {
                out.accept(m);
            } else if (endOfStream) {
                HttpUtil.setContentLength(m, data.length);
                out.accept(m);
            } else {
                HttpUtil.setTransferEncodingChunked(m, true);
                out.accept(m);
            }
        }
        if (endOfStream) {
            out.accept(new DefaultLastHttpContent(Unpooled.wrappedBuffer(data)));
        } else if (data.length > 0) {
            out.accept(new DefaultHttpContent(Unpooled.wrappedBuffer(data)));
        }
    }

    void trailers(HeaderMap trailers) {
        if (pending != null) {
            HttpMessage m = toMessage.apply(pending);
            pending = null;
            HttpUtil.setTransferEncodingChunked(m, true);
            out.accept(m);
        }
        LastHttpContent last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
        Headers.copyTrailers(trailers, last.trailingHeaders());
        out.accept(last);
    }
}
