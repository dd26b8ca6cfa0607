package dev.wasmesh.proxy.http1;

import dev.wasmesh.host.stream.HeaderMap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.CharsetUtil;

/**
 * HTTP/1.1 messages written straight from a {@link HeaderMap} into bytes: the request or status line, the headers a
 * proxy forwards, and the body's framing. Going through Netty's HTTP objects would copy every header into a
 * hashed, validated map first, which cost more than the rest of the encoding. What arrives here was checked where it
 * entered the proxy: decoded by Netty's codec, or set by a filter through the host, which refuses CR, LF and NUL.
 */
public final class Http1Encoder {
    /** The body that follows is sent chunked. */
    public static final long CHUNKED = -1;
    /** The head goes out with its headers as they are and no body follows (HEAD, 204, 304, a GET). */
    public static final long AS_IS = -2;

    private static final int CRLF = ('\r' << 8) | '\n';
    private static final int COLON_SPACE = (':' << 8) | ' ';
    private static final ByteBuf CRLF_BYTES = Unpooled.unreleasableBuffer(
            Unpooled.wrappedBuffer(new byte[] {'\r', '\n'}).asReadOnly());

    private Http1Encoder() {}

    /** The request line and headers; {@code :authority} becomes {@code host}. */
    static ByteBuf requestHead(ByteBufAllocator alloc, HeaderMap h, long length) {
        String method = orDefault(h.first(":method"), "GET");
        for (int i = 0; i < method.length(); i++) {
            if (!token(method.charAt(i))) {
                throw new IllegalArgumentException("invalid :method " + method);
            }
        }
        ByteBuf b = alloc.buffer(estimate(h));
        bytes(b, method);
        b.writeByte(' ');
        bytes(b, orDefault(h.first(":path"), "/"));
        bytes(b, " HTTP/1.1\r\n");
        String authority = h.first(":authority");
        if (authority != null && !authority.isEmpty()) {
            header(b, "host", authority);
        }
        headers(b, h, length);
        b.writeShort(CRLF);
        return b;
    }

    /** The status line and headers; {@code close} adds {@code connection: close}. */
    static ByteBuf responseHead(ByteBufAllocator alloc, HeaderMap h, long length, boolean close) {
        HttpResponseStatus status = HttpResponseStatus.valueOf(status(h));
        ByteBuf b = alloc.buffer(estimate(h));
        bytes(b, "HTTP/1.1 ");
        b.writeCharSequence(status.codeAsText(), CharsetUtil.US_ASCII);
        b.writeByte(' ');
        bytes(b, status.reasonPhrase());
        b.writeShort(CRLF);
        headers(b, h, length);
        if (close) {
            header(b, "connection", "close");
        }
        b.writeShort(CRLF);
        return b;
    }

    /** The status a response head states: {@code :status}, 200 if absent, 502 if it is not a number. */
    public static int status(HeaderMap h) {
        try {
            return Integer.parseInt(orDefault(h.first(":status"), "200"));
        } catch (NumberFormatException e) {
            return 502;
        }
    }

    /** One chunk of a chunked body: its size line, the data itself (not copied), CRLF. */
    static ByteBuf chunk(ByteBufAllocator alloc, byte[] data) {
        ByteBuf size = alloc.buffer(10);
        bytes(size, Integer.toHexString(data.length));
        size.writeShort(CRLF);
        return Unpooled.wrappedBuffer(size, Unpooled.wrappedBuffer(data), CRLF_BYTES.duplicate());
    }

    /** The end of a chunked body, with trailers if there are any. */
    static ByteBuf lastChunk(ByteBufAllocator alloc, HeaderMap trailers) {
        ByteBuf b = alloc.buffer(trailers == null ? 5 : estimate(trailers));
        b.writeByte('0');
        b.writeShort(CRLF);
        if (trailers != null) {
            for (int i = 0; i < trailers.size(); i++) {
                if (!trailers.nameAt(i).startsWith(":")) {
                    header(b, trailers.nameAt(i), trailers.valueAt(i));
                }
            }
        }
        b.writeShort(CRLF);
        return b;
    }

    /** The forwarded headers, then the framing header that {@code length} asks for. */
    private static void headers(ByteBuf b, HeaderMap h, long length) {
        boolean reframed = length != AS_IS;
        for (int i = 0; i < h.size(); i++) {
            String name = h.nameAt(i);
            if (name.startsWith(":")
                    || !Headers.forwardable(name)
                    || name.equals("host")
                    || (reframed && name.equals("content-length"))) {
                continue;
            }
            header(b, name, h.valueAt(i));
        }
        if (length >= 0) {
            bytes(b, "content-length: ");
            bytes(b, Long.toString(length));
            b.writeShort(CRLF);
        } else if (length == CHUNKED) {
            bytes(b, "transfer-encoding: chunked\r\n");
        }
    }

    private static void header(ByteBuf b, String name, String value) {
        bytes(b, name);
        b.writeShort(COLON_SPACE);
        bytes(b, value);
        b.writeShort(CRLF);
    }

    /** A byte string ({@link dev.wasmesh.host.stream.HeaderMap#BYTES}) as its bytes: the method, path, names and values. */
    private static void bytes(ByteBuf b, String s) {
        b.writeCharSequence(s, CharsetUtil.ISO_8859_1);
    }

    private static int estimate(HeaderMap h) {
        int n = 64;
        for (int i = 0; i < h.size(); i++) {
            n += h.nameAt(i).length() + h.valueAt(i).length() + 4;
        }
        return n;
    }

    /** RFC 9110 tchar. */
    static boolean token(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static String orDefault(String v, String d) {
        return v == null || v.isEmpty() ? d : v;
    }
}
