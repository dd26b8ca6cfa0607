package dev.wasmesh.proxy;

import dev.wasmesh.host.HeaderMap;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Converts between Netty's HTTP/1 messages and the proxy-wasm header maps (with their pseudo-headers). */
final class Headers {
    /** Connection-specific headers a proxy never forwards (RFC 9110 7.6.1), plus Netty's HTTP/2 conversion notes. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "upgrade", "http2-settings", "te");

    private Headers() {}

    static boolean forwardable(String lowerName) {
        return !HOP_BY_HOP.contains(lowerName) && !lowerName.startsWith("x-http2-");
    }

    static HeaderMap ofRequest(HttpRequest r, String scheme) {
        HeaderMap h = new HeaderMap();
        h.add(":authority", r.headers().get("host", ""));
        h.add(":path", r.uri());
        h.add(":method", r.method().name());
        h.add(":scheme", scheme);
        copyInto(r.headers(), h, "host");
        return h;
    }

    static HeaderMap ofResponse(HttpResponse r) {
        HeaderMap h = new HeaderMap();
        h.add(":status", r.status().codeAsText().toString()); // cached by Netty for the standard codes
        copyInto(r.headers(), h, null);
        return h;
    }

    static HeaderMap ofTrailers(HttpHeaders trailers) {
        HeaderMap h = new HeaderMap();
        copyInto(trailers, h, null);
        return h;
    }

    private static void copyInto(HttpHeaders from, HeaderMap to, String skip) {
        if (from instanceof HeaderMapHeaders) {
            // Filled by an HTTP/1.1 decoder: the names are lower-case already.
            HeaderMap m = ((HeaderMapHeaders) from).map();
            for (int i = 0; i < m.size(); i++) {
                String name = m.nameAt(i);
                if (forwardable(name) && !name.equals(skip)) {
                    to.add(name, m.valueAt(i));
                }
            }
            return;
        }
        for (Map.Entry<String, String> e : from) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (forwardable(name) && !name.equals(skip)) {
                to.add(name, e.getValue());
            }
        }
    }

    /** A response for an HTTP/2 stream channel; HTTP/1.1 responses are written as bytes by {@link Http1Encoder}. */
    static HttpResponse toResponse(HeaderMap h) {
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(Http1Encoder.status(h)));
        copyOut(h, r);
        return r;
    }

    static void copyTrailers(HeaderMap from, HttpHeaders to) {
        for (int i = 0; i < from.size(); i++) {
            if (!from.nameAt(i).startsWith(":")) {
                to.add(from.nameAt(i), from.valueAt(i));
            }
        }
    }

    private static void copyOut(HeaderMap h, HttpMessage m) {
        for (int i = 0; i < h.size(); i++) {
            String name = h.nameAt(i);
            if (!name.startsWith(":") && forwardable(name) && !name.equals("host")) {
                m.headers().add(name, h.valueAt(i));
            }
        }
    }
}
