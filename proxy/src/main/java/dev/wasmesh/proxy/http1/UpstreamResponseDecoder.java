package dev.wasmesh.proxy.http1;

import dev.wasmesh.proxy.config.Limits;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * An upstream connection's responses (see {@link Http1Decoder}). Requests go out as bytes ({@link Http1Encoder}),
 * so the decoder is told directly, rather than by an encoder beside it, when the response to come answers a HEAD
 * and has no body.
 */
public final class UpstreamResponseDecoder extends Http1Decoder {
    private boolean bodyless;

    public UpstreamResponseDecoder() {
        super(Limits.UPSTREAM_MAX_HEADERS_BYTES, Limits.UPSTREAM_MAX_HEADERS_BYTES);
    }

    public void expectBodyless(boolean bodyless) {
        this.bodyless = bodyless;
    }

    /** RFC 9112 4: HTTP-version SP 3DIGIT SP reason-phrase; the reason is not kept, as Envoy does not keep it. */
    @Override
    HttpMessage startLine(byte[] b, int n, HeaderMapHeaders headers) {
        int sp = Http1Syntax.indexOf(b, 0, n, (byte) ' ');
        if (sp < 0 || n < sp + 4 || (n > sp + 4 && b[sp + 4] != ' ')) {
            throw new Malformed("a malformed status line");
        }
        int code = 0;
        for (int i = sp + 1; i < sp + 4; i++) {
            if (b[i] < '0' || b[i] > '9') {
                throw new Malformed("a malformed status code");
            }
            code = code * 10 + (b[i] - '0');
        }
        if (code < 100) {
            throw new Malformed("a status code below 100");
        }
        for (int i = sp + 4; i < n; i++) {
            int c = b[i] & 0xFF;
            if (Http1Syntax.control(c)) {
                throw new Malformed(Malformed.INVALID_CHARACTERS, "a control character in the reason phrase");
            }
        }
        return new DefaultHttpResponse(Http1Syntax.version(b, 0, sp), HttpResponseStatus.valueOf(code), headers);
    }

    @Override
    HttpMessage invalid() {
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_GATEWAY);
    }

    @Override
    boolean bodyless(HttpMessage m) {
        int code = ((HttpResponse) m).status().code();
        return bodyless || code < 200 || code == 204 || code == 304;
    }

    @Override
    boolean readsUntilClose() {
        return true;
    }

    @Override
    boolean readsRequests() {
        return false;
    }
}
