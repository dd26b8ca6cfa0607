package dev.wasmesh.proxy;

import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** A downstream connection's requests (see {@link Http1Decoder}). */
final class Http1RequestDecoder extends Http1Decoder {
    private static final HttpMethod[] KNOWN = {HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.HEAD,
        HttpMethod.DELETE, HttpMethod.OPTIONS, HttpMethod.PATCH, HttpMethod.CONNECT, HttpMethod.TRACE};

    /** @param maxHeaderBytes the limit of the request line, and of the header lines together */
    Http1RequestDecoder(int maxHeaderBytes) {
        super(maxHeaderBytes, maxHeaderBytes);
    }

    /** RFC 9112 3: method SP request-target SP HTTP-version, each space a single one. */
    @Override
    HttpMessage startLine(byte[] b, int n, HeaderMapHeaders headers) {
        int sp1 = indexOf(b, 0, n, (byte) ' ');
        int sp2 = sp1 < 0 ? -1 : indexOf(b, sp1 + 1, n, (byte) ' ');
        if (sp1 <= 0 || sp2 < 0 || sp2 == sp1 + 1) {
            throw new Malformed("a malformed request line");
        }
        HttpMethod method = method(b, sp1);
        for (int i = sp1 + 1; i < sp2; i++) {
            int c = b[i] & 0xFF;
            if (c <= ' ' || c == 0x7F) {
                throw new Malformed(Malformed.INVALID_CHARACTERS, "a control character in the request target");
            }
        }
        String target = new String(b, sp1 + 1, sp2 - sp1 - 1, StandardCharsets.ISO_8859_1);
        return new DefaultHttpRequest(version(b, sp2 + 1, n), method, target, headers);
    }

    private static HttpMethod method(byte[] b, int n) {
        for (HttpMethod m : KNOWN) {
            if (matches(m.name(), b, 0, n)) {
                return m;
            }
        }
        for (int i = 0; i < n; i++) {
            if (!Http1Encoder.token((char) (b[i] & 0xFF))) {
                throw new Malformed("a method is not a token");
            }
        }
        return HttpMethod.valueOf(new String(b, 0, n, StandardCharsets.ISO_8859_1));
    }

    @Override
    HttpMessage invalid() {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET,
                "/bad-request");
    }

    @Override
    boolean bodyless(HttpMessage m) {
        return false;
    }

    @Override
    boolean readsUntilClose() {
        return false;
    }

    @Override
    boolean readsRequests() {
        return true;
    }
}
