package dev.wasmesh.proxy.http1;

import dev.wasmesh.host.stream.HeaderMap;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** A downstream connection's requests (see {@link Http1Decoder}). */
public final class Http1RequestDecoder extends Http1Decoder {
    private static final HttpMethod[] KNOWN = {
        HttpMethod.GET,
        HttpMethod.POST,
        HttpMethod.PUT,
        HttpMethod.HEAD,
        HttpMethod.DELETE,
        HttpMethod.OPTIONS,
        HttpMethod.PATCH,
        HttpMethod.CONNECT,
        HttpMethod.TRACE
    };

    /** The authority of an absolute-form target in the head being read, which replaces its host header. */
    private String absoluteAuthority;

    /** Whether the connection is TLS, where an https absolute-form target is one of its own. */
    private final boolean tls;

    /** @param maxHeaderBytes the limit of the request line, and of the header lines together */
    public Http1RequestDecoder(int maxHeaderBytes) {
        this(maxHeaderBytes, false);
    }

    public Http1RequestDecoder(int maxHeaderBytes, boolean tls) {
        super(maxHeaderBytes, maxHeaderBytes);
        this.tls = tls;
    }

    /** RFC 9112 3: method SP request-target SP HTTP-version, each space a single one. */
    @Override
    HttpMessage startLine(byte[] b, int n, HeaderMapHeaders headers) {
        int sp1 = Http1Syntax.indexOf(b, 0, n, (byte) ' ');
        int sp2 = sp1 < 0 ? -1 : Http1Syntax.indexOf(b, sp1 + 1, n, (byte) ' ');
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
        absoluteAuthority = null;
        int scheme = target.startsWith("/") ? -1 : target.indexOf("://");
        if (scheme > 0) {
            target = originForm(target, scheme);
        }
        return new DefaultHttpRequest(Http1Syntax.version(b, sp2 + 1, n), method, target, headers);
    }

    /**
     * An absolute-form target ({@code http://host:port/path?query}, RFC 9112 3.2.2) as Envoy's codec reads it: the
     * authority (without user info) becomes the host, the path and query the target ({@code /} if empty). Only
     * http, and https on a TLS connection: on a cleartext connection an https target is refused, as by Envoy.
     */
    private String originForm(String target, int scheme) {
        boolean http = scheme == 4 && target.regionMatches(true, 0, "http", 0, 4);
        boolean https = tls && scheme == 5 && target.regionMatches(true, 0, "https", 0, 5);
        if (!http && !https) {
            throw new Malformed("http.invalid_scheme", "an absolute target whose scheme is not http");
        }
        int from = scheme + 3;
        int end = from;
        while (end < target.length() && target.charAt(end) != '/' && target.charAt(end) != '?') {
            end++;
        }
        String authority = target.substring(Math.max(from, target.lastIndexOf('@', end - 1) + 1), end);
        if (authority.isEmpty()) {
            throw new Malformed("http1.invalid_url", "an absolute target without a host");
        }
        absoluteAuthority = authority;
        String path = target.substring(end);
        return path.isEmpty() ? "/" : path.startsWith("?") ? "/" + path : path;
    }

    /**
     * RFC 9112 3.2: an HTTP/1.1 request without a host, or any request with more than one, is refused (Envoy's
     * details); an absolute-form target's authority replaces the host header.
     */
    @Override
    void headRead(HttpMessage m, HeaderMap headers) {
        if (absoluteAuthority != null) {
            headers.removeIf(name -> name.equals("host"));
            headers.add("host", absoluteAuthority);
            absoluteAuthority = null;
            return;
        }
        int hosts = headers.all("host").size();
        if (hosts > 1) {
            throw new Malformed("http.invalid_authority", "more than one host header");
        }
        if (hosts == 0 && m.protocolVersion() == HttpVersion.HTTP_1_1) {
            throw new Malformed("missing_host_header", "an HTTP/1.1 request without a host header");
        }
    }

    private static HttpMethod method(byte[] b, int n) {
        for (HttpMethod m : KNOWN) {
            if (Http1Syntax.matches(m.name(), b, 0, n)) {
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
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, "/bad-request");
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
