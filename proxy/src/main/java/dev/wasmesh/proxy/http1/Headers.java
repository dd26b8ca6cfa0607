package dev.wasmesh.proxy.http1;

import dev.wasmesh.host.stream.HeaderMap;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import java.util.Map;

/** Converts between Netty's HTTP/1 messages and the proxy-wasm header maps (with their pseudo-headers). */
public final class Headers {
    private Headers() {}

    /**
     * Whether a header goes on: not the connection-specific ones a proxy never forwards (RFC 9110 7.6.1), nor
     * Netty's HTTP/2 conversion notes. Asked for every header of every message, several times: by length first, so
     * that most names are passed without hashing or comparing.
     */
    public static boolean forwardable(String lowerName) {
        if (lowerName.startsWith("x-http2-")) {
            return false;
        }
        return switch (lowerName.length()) {
            case 2 -> !lowerName.equals("te");
            case 7 -> !lowerName.equals("upgrade");
            case 10 -> !lowerName.equals("connection") && !lowerName.equals("keep-alive");
            case 14 -> !lowerName.equals("http2-settings");
            case 16 -> !lowerName.equals("proxy-connection");
            case 17 -> !lowerName.equals("transfer-encoding");
            default -> true;
        };
    }

    /**
     * The request's map. An HTTP/1.1 decoder's map is taken over rather than copied (the decoder is done with it,
     * and the proxy reads what it needs from the request before this): hop-by-hop headers and {@code host} leave
     * it and the pseudo-headers go in front.
     */
    public static HeaderMap ofRequest(HttpRequest r, String scheme) {
        if (r.headers() instanceof HeaderMapHeaders) {
            HeaderMap h = ((HeaderMapHeaders) r.headers()).map();
            String host = h.first("host");
            h.removeIf(n -> !forwardable(n) || n.equals("host"));
            h.prepend(
                    ":authority",
                    host == null ? "" : host,
                    ":path",
                    r.uri(),
                    ":method",
                    r.method().name(),
                    ":scheme",
                    scheme);
            return h;
        }
        HeaderMap h = new HeaderMap();
        h.add(":authority", r.headers().get("host", ""));
        h.add(":path", r.uri());
        h.add(":method", r.method().name());
        h.add(":scheme", scheme);
        copyInto(r.headers(), h, "host");
        return h;
    }

    /** The response's map; a decoder's is taken over, as in {@link #ofRequest}. */
    public static HeaderMap ofResponse(HttpResponse r) {
        String status = r.status().codeAsText().toString(); // cached by Netty for the standard codes
        if (r.headers() instanceof HeaderMapHeaders) {
            HeaderMap h = ((HeaderMapHeaders) r.headers()).map();
            h.removeIf(n -> !forwardable(n));
            h.prepend(":status", status);
            return h;
        }
        HeaderMap h = new HeaderMap();
        h.add(":status", status);
        copyInto(r.headers(), h, null);
        return h;
    }

    /** The trailers' map; a decoder's is taken over, as in {@link #ofRequest}. */
    public static HeaderMap ofTrailers(HttpHeaders trailers) {
        if (trailers instanceof HeaderMapHeaders) {
            HeaderMap h = ((HeaderMapHeaders) trailers).map();
            h.removeIf(n -> !forwardable(n));
            return h;
        }
        HeaderMap h = new HeaderMap();
        copyInto(trailers, h, null);
        return h;
    }

    /** Netty's own headers (not a decoder's): names lower-cased on the way. */
    private static void copyInto(HttpHeaders from, HeaderMap to, String skip) {
        for (Map.Entry<String, String> e : from) {
            String name = HeaderMap.lowerAscii(e.getKey());
            if (forwardable(name) && !name.equals(skip)) {
                to.add(name, e.getValue());
            }
        }
    }
}
