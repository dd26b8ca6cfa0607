package dev.wasmesh.proxy.http2;

import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.proxy.http1.Headers;
import dev.wasmesh.proxy.http1.Http1Encoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.Map;

/**
 * Between an HTTP/2 stream's header blocks and the proxy-wasm header maps, with nothing in between: the request's
 * pseudo-headers become the map's, its fields follow as they arrived, and a response's map becomes a block.
 * Connection-specific fields never cross (RFC 9113 8.2.2), nor does {@code host}: {@code :authority} stands for it.
 */
public final class FrameHeaders {
    private FrameHeaders() {}

    /**
     * A request's map: {@code :authority} (else the first {@code host} field, else empty), {@code :path},
     * {@code :method} and {@code :scheme} (the connection's, whatever the client says), then the fields in order,
     * with the {@code cookie} fields joined into one at the end, as HTTP/1.1 carries them (RFC 9113 8.2.3).
     *
     * @throws IllegalArgumentException if {@code :method} or {@code :path} is missing or malformed, a pseudo-header
     *     is unknown, or a field value holds NUL, CR or LF
     */
    public static HeaderMap request(Http2Headers block, String scheme) {
        CharSequence method = block.method();
        CharSequence path = block.path();
        if (method == null || path == null) {
            throw new IllegalArgumentException("a request without :method or :path");
        }
        HeaderMap fields = new HeaderMap();
        String host = null;
        StringBuilder cookies = null;
        for (Map.Entry<CharSequence, CharSequence> e : block) {
            String name = e.getKey().toString();
            if (name.startsWith(":")) {
                pseudoHeader(name);
                continue;
            }
            name = HeaderMap.lowerAscii(name);
            String value = value(e.getValue());
            if (name.equals("cookie")) {
                cookies = cookies == null
                        ? new StringBuilder(value)
                        : cookies.append("; ").append(value);
            } else if (name.equals("host")) {
                host = host == null ? value : host;
            } else if (Headers.forwardable(name) && !name.equals("trailer")) {
                fields.add(name, value);
            }
        }
        if (cookies != null) {
            fields.add("cookie", cookies.toString());
        }
        CharSequence authority = block.authority();
        fields.prepend(
                ":authority",
                authority != null ? value(authority) : host == null ? "" : host,
                ":path",
                value(path),
                ":method",
                method(method),
                ":scheme",
                scheme);
        return fields;
    }

    /**
     * A request's trailers, or null if the block has no field at all (the request then simply ends). Fields that
     * must not be forwarded are left out.
     */
    public static HeaderMap requestTrailers(Http2Headers block) {
        HeaderMap fields = new HeaderMap();
        boolean any = false;
        for (Map.Entry<CharSequence, CharSequence> e : block) {
            String name = e.getKey().toString();
            if (name.startsWith(":")) {
                pseudoHeader(name);
                any |= name.equals(":authority") || name.equals(":scheme");
                continue;
            }
            name = HeaderMap.lowerAscii(name);
            if (name.equals("transfer-encoding") || name.equals("trailer")) {
                continue;
            }
            any = true;
            String value = value(e.getValue());
            if (Headers.forwardable(name)) {
                fields.add(name, value);
            }
        }
        return any ? fields : null;
    }

    /**
     * A response's block: {@code :status}, then the map's fields lower-cased, except connection-specific ones.
     *
     * @param length the body's length for {@code content-length}, {@link Http1Encoder#CHUNKED} (no
     *     {@code content-length}: the frames delimit the body) or {@link Http1Encoder#AS_IS}
     */
    public static Http2Headers response(HeaderMap headers, long length) {
        Http2Headers block = new DefaultHttp2Headers(true, headers.size() + 1);
        block.status(HttpResponseStatus.valueOf(Http1Encoder.status(headers)).codeAsText());
        boolean replaceLength = length != Http1Encoder.AS_IS;
        for (int i = 0; i < headers.size(); i++) {
            String name = headers.nameAt(i);
            if (name.startsWith(":")) {
                continue;
            }
            name = HeaderMap.lowerAscii(name);
            if (Headers.forwardable(name)
                    && !name.equals("host")
                    && !(replaceLength && name.equals("content-length"))) {
                block.add(name, headers.valueAt(i));
            }
        }
        if (length >= 0) {
            block.add("content-length", Long.toString(length));
        }
        return block;
    }

    /** A response's trailers block, without pseudo-headers and connection-specific fields. */
    public static Http2Headers responseTrailers(HeaderMap trailers) {
        Http2Headers block = new DefaultHttp2Headers(true, trailers.size());
        for (int i = 0; i < trailers.size(); i++) {
            String name = HeaderMap.lowerAscii(trailers.nameAt(i));
            if (!name.startsWith(":") && Headers.forwardable(name) && !name.equals("host")) {
                block.add(name, trailers.valueAt(i));
            }
        }
        return block;
    }

    /** Whether {@code trailers} has a field to send as trailers (else the body's last frame ends the stream). */
    public static boolean hasTrailers(HeaderMap trailers) {
        for (int i = 0; i < trailers.size(); i++) {
            if (!trailers.nameAt(i).startsWith(":")) {
                return true;
            }
        }
        return false;
    }

    /** RFC 9113 8.3: pseudo-headers are the ones it defines (and RFC 8441's {@code :protocol}); others are malformed. */
    private static void pseudoHeader(String name) {
        if (Http2Headers.PseudoHeaderName.getPseudoHeader(name) == null) {
            throw new IllegalArgumentException("an unknown pseudo-header " + name);
        }
    }

    /**
     * RFC 9113 8.2.1: a field value with NUL, CR or LF makes the message malformed; HTTP/1.1 on the way upstream
     * would read such a value as more than one field.
     */
    private static String value(CharSequence value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0 || c == '\r' || c == '\n') {
                throw new IllegalArgumentException("a field value with NUL, CR or LF");
            }
        }
        return value.toString();
    }

    /** A method is a non-empty token; surrounding whitespace is dropped, as HTTP/1.1's request line has none. */
    private static String method(CharSequence method) {
        String m = method.toString().trim();
        if (m.isEmpty()) {
            throw new IllegalArgumentException("an empty :method");
        }
        for (int i = 0; i < m.length(); i++) {
            char c = m.charAt(i);
            if (Character.isISOControl(c) || Character.isWhitespace(c)) {
                throw new IllegalArgumentException("a malformed :method");
            }
        }
        return m;
    }
}
