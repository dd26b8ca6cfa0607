package dev.wasmesh.proxy.http1;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTP/1.1 decoders: on well-formed messages they must read exactly what Netty's own decoders read (the
 * reference here, checked on random messages split at random points), and they must refuse what RFC 9112 says a
 * proxy must not guess at.
 */
class Http1DecoderTest {
    private static final int LIMIT = 8 * 1024;

    // ---- the same messages as Netty's decoders ----------------------------------------------------------------

    static Stream<Long> seeds() {
        return IntStream.range(0, 300).mapToObj(i -> 0x5eed0000L + i);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void randomRequestsDecodeAsNettyDecodesThem(long seed) {
        Random rnd = new Random(seed);
        StringBuilder wire = new StringBuilder();
        int messages = 1 + rnd.nextInt(4);
        for (int i = 0; i < messages; i++) {
            if (rnd.nextInt(5) == 0) {
                wire.append("\r\n"); // an empty line between messages is allowed
            }
            String version = pick(rnd, "HTTP/1.1", "HTTP/1.0");
            wire.append(pick(rnd, "GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "PURGE"))
                    .append(' ')
                    .append(target(rnd))
                    .append(' ')
                    .append(version)
                    .append("\r\n")
                    .append(pick(rnd, "Host", "host", "HOST"))
                    .append(": h\r\n"); // one host: RFC 9112 3.2
            appendMessageRest(rnd, wire, false, version.endsWith("1.1"));
        }
        byte[] bytes = wire.toString().getBytes(StandardCharsets.ISO_8859_1);
        assertThat(decode(new Http1RequestDecoder(LIMIT), bytes, rnd, false))
                .as("%s", wire)
                .isEqualTo(decode(new HttpRequestDecoder(), bytes, rnd, false));
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void randomResponsesDecodeAsNettyDecodesThem(long seed) {
        Random rnd = new Random(seed);
        StringBuilder wire = new StringBuilder();
        int messages = 1 + rnd.nextInt(4);
        boolean untilClose = false;
        for (int i = 0; i < messages && !untilClose; i++) {
            int status = Integer.parseInt(pick(rnd, "200", "201", "204", "304", "404", "500", "100", "302"));
            String version = pick(rnd, "HTTP/1.1", "HTTP/1.0");
            wire.append(version)
                    .append(' ')
                    .append(status)
                    .append(' ')
                    .append(pick(rnd, "OK", "Whatever", "Not Found", ""))
                    .append("\r\n");
            boolean last = i == messages - 1;
            untilClose = last && status >= 200 && status != 204 && status != 304 && rnd.nextInt(3) == 0;
            if (untilClose) { // no framing: the body lasts until the connection closes
                appendHeaders(rnd, wire);
                wire.append("\r\n").append(body(rnd));
            } else {
                appendMessageRest(rnd, wire, status < 200 || status == 204 || status == 304, version.endsWith("1.1"));
            }
        }
        byte[] bytes = wire.toString().getBytes(StandardCharsets.ISO_8859_1);
        assertThat(decode(new UpstreamResponseDecoder(), bytes, rnd, true))
                .as("%s", wire)
                .isEqualTo(decode(new HttpResponseDecoder(), bytes, rnd, true));
    }

    /** Headers, framing and body after a start line; chunked only in HTTP/1.1. */
    private static void appendMessageRest(Random rnd, StringBuilder wire, boolean bodyless, boolean http11) {
        appendHeaders(rnd, wire);
        int framing = bodyless ? 0 : rnd.nextInt(http11 ? 3 : 2);
        String body = body(rnd);
        if (framing == 1) {
            wire.append(pick(rnd, "Content-Length", "content-length"))
                    .append(": ")
                    .append(body.length())
                    .append("\r\n\r\n")
                    .append(body);
        } else if (framing == 2) {
            wire.append(pick(rnd, "Transfer-Encoding", "transfer-encoding")).append(": chunked\r\n\r\n");
            int at = 0;
            while (at < body.length()) {
                int n = 1 + rnd.nextInt(body.length() - at);
                wire.append(Integer.toHexString(n))
                        .append(rnd.nextBoolean() ? "" : ";ext=1")
                        .append("\r\n")
                        .append(body, at, at + n)
                        .append("\r\n");
                at += n;
            }
            wire.append("0\r\n");
            for (int t = rnd.nextInt(3); t > 0; t--) {
                wire.append(headerName(rnd))
                        .append(':')
                        .append(ows(rnd))
                        .append(value(rnd))
                        .append(ows(rnd))
                        .append("\r\n");
            }
            wire.append("\r\n");
        } else {
            wire.append("\r\n");
        }
    }

    private static void appendHeaders(Random rnd, StringBuilder wire) {
        for (int h = rnd.nextInt(7); h > 0; h--) {
            wire.append(headerName(rnd))
                    .append(':')
                    .append(ows(rnd))
                    .append(value(rnd))
                    .append(ows(rnd))
                    .append("\r\n");
        }
    }

    private static String headerName(Random rnd) {
        String name = pick(
                rnd,
                "Date",
                "user-agent",
                "Accept",
                "X-Request-Id",
                "x-custom",
                "Cookie",
                "ETag",
                "x-" + Long.toString(rnd.nextLong() & 0xffffff, 36),
                "Accept-Encoding",
                "X_Under~score!");
        StringBuilder sb = new StringBuilder();
        for (char c : name.toCharArray()) {
            sb.append(rnd.nextInt(4) == 0 ? Character.toUpperCase(c) : c);
        }
        return sb.toString();
    }

    /** Mostly short; one in fifteen longer than the decoder's first look at the input (2 KiB). */
    private static String value(Random rnd) {
        StringBuilder sb = new StringBuilder();
        for (int n = rnd.nextInt(15) == 0 ? 2100 + rnd.nextInt(500) : rnd.nextInt(20); n > 0; n--) {
            int kind = rnd.nextInt(12);
            sb.append(
                    kind == 0
                            ? ' '
                            : kind == 1
                                    ? '\t'
                                    : kind == 2 ? (char) (0x80 + rnd.nextInt(0x80)) : (char) ('!' + rnd.nextInt(94)));
        }
        return sb.toString();
    }

    private static String ows(Random rnd) {
        return pick(rnd, "", " ", "  ", "\t", " \t");
    }

    private static String target(Random rnd) {
        StringBuilder sb = new StringBuilder("/");
        String chars = "abcXYZ019-._~%?=&/";
        for (int n = rnd.nextInt(30); n > 0; n--) {
            sb.append(chars.charAt(rnd.nextInt(chars.length())));
        }
        return sb.toString();
    }

    private static String body(Random rnd) {
        StringBuilder sb = new StringBuilder();
        for (int n = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(3000); n > 0; n--) {
            sb.append((char) rnd.nextInt(256));
        }
        return sb.toString();
    }

    private static String pick(Random rnd, String... options) {
        return options[rnd.nextInt(options.length)];
    }

    /**
     * What a decoder hands on, as text: each head (method or status, target, version, headers with lower-cased
     * names), the body bytes between heads joined, each end with its trailers. The bytes arrive in random pieces.
     */
    private static List<String> decode(ChannelHandler decoder, byte[] bytes, Random split, boolean closeAtEnd) {
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        Random pieces = new Random(split.nextLong());
        int at = 0;
        while (at < bytes.length) {
            int n = Math.min(bytes.length - at, 1 + pieces.nextInt(pieces.nextBoolean() ? 8 : 700));
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, at, n));
            at += n;
        }
        if (closeAtEnd) {
            ch.finish();
        }
        List<String> events = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        for (Object o; (o = ch.readInbound()) != null; ) {
            try {
                events.addAll(describe((HttpObject) o, body));
            } finally {
                ReferenceCountUtil.release(o);
            }
        }
        ch.finishAndReleaseAll();
        return events;
    }

    private static List<String> describe(HttpObject o, StringBuilder body) {
        List<String> out = new ArrayList<>();
        assertThat(o.decoderResult().isSuccess()).as("decoded %s", o).isTrue();
        if (o instanceof HttpMessage) {
            HttpMessage m = (HttpMessage) o;
            StringBuilder sb = new StringBuilder(
                    o instanceof HttpRequest
                            ? ((HttpRequest) m).method() + " " + ((HttpRequest) m).uri()
                            : String.valueOf(((HttpResponse) m).status().code()));
            sb.append(' ').append(m.protocolVersion());
            for (Map.Entry<String, String> e : m.headers()) {
                sb.append(" | ")
                        .append(e.getKey().toLowerCase(Locale.ROOT))
                        .append(": ")
                        .append(e.getValue());
            }
            out.add(sb.toString());
        }
        if (o instanceof HttpContent) {
            ByteBuf c = ((HttpContent) o).content();
            body.append(HexFormat.of().formatHex(ByteBufUtil.getBytes(c)));
            if (o instanceof LastHttpContent) {
                StringBuilder sb = new StringBuilder("body ").append(body).append(" end");
                for (Map.Entry<String, String> e : ((LastHttpContent) o).trailingHeaders()) {
                    sb.append(" | ")
                            .append(e.getKey().toLowerCase(Locale.ROOT))
                            .append(": ")
                            .append(e.getValue());
                }
                out.add(sb.toString());
                body.setLength(0);
            }
        }
        return out;
    }

    // ---- what a proxy must refuse ----------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(
            strings = {
                "GET / HTTP/1.1\r\nhost : t\r\n\r\n", // whitespace before the colon (RFC 9112 5.1)
                "GET / HTTP/1.1\r\nx{bad}: 1\r\n\r\n",
                "GET / HTTP/1.1\r\nx: a\u0001b\r\n\r\n",
                "GET / HTTP/1.1\r\nx: a\rb\r\n\r\n",
                "GET / HTTP/1.1\r\nno colon\r\n\r\n",
                "GET / HTTP/1.1\r\n: empty name\r\n\r\n",
                "GET / HTTP/2.0\r\n\r\n",
                "GET /  HTTP/1.1\r\n\r\n",
                "GET\r\n\r\n",
                "G(T / HTTP/1.1\r\n\r\n",
                "GET /a\u0001b HTTP/1.1\r\n\r\n",
                "POST / HTTP/1.1\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n",
                "POST / HTTP/1.1\r\ncontent-length: 3\r\ncontent-length: 3\r\n\r\nabc",
                "POST / HTTP/1.1\r\ncontent-length: 3, 3\r\n\r\nabc",
                "POST / HTTP/1.1\r\ncontent-length: -3\r\n\r\nabc",
                "POST / HTTP/1.1\r\ncontent-length: 0x3\r\n\r\nabc",
                "POST / HTTP/1.1\r\ntransfer-encoding: gzip\r\n\r\nabc",
                "POST / HTTP/1.1\r\ntransfer-encoding: chunked, gzip\r\n\r\n",
                "POST / HTTP/1.0\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n",
                " continued: line\r\n\r\n",
                "GET / HTTP/1.1\nhost: a\n\n", // bare LF line ends: a proxy in front may not read them so
                "GET / HTTP/1.1\r\nhost: a\r\n\n",
                "\u0000GET / HTTP/1.1\r\n\r\n",
                "\nGET / HTTP/1.1\r\n\r\n",
                "GET / HTTP/1.1\r\nx: 1\r\n folded\r\n\r\n", // obs-fold in a request (RFC 9112 5.2 lets it be refused)
                "POST / HTTP/1.1\r\ntransfer-encoding:\r\n chunked\r\n\r\n0\r\n\r\n",
            })
    void aMalformedRequestHeadIsHandedOnAsFailedAndTheRestDiscarded(String head) {
        EmbeddedChannel ch = new EmbeddedChannel(new Http1RequestDecoder(LIMIT));
        ch.writeInbound(bytes(head + "GET /next HTTP/1.1\r\n\r\n"));
        HttpRequest r = ch.readInbound();
        assertThat(r.decoderResult().isFailure()).as(head).isTrue();
        ReferenceCountUtil.release(r);
        Object next = ch.readInbound();
        assertThat(next).as("nothing after the malformed request").isNull();
        ch.finishAndReleaseAll();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "zz\r\nabc\r\n0\r\n\r\n",
                "3\r\nabcX\r\n0\r\n\r\n", // the chunk's data is longer than its size
                "fffffffffffffffff\r\n",
                "3\r\nabc\r\n0\r\nx y: 1\r\n\r\n",
                "3\nabc\r\n0\r\n\r\n", // bare LF after the size (CVE-2025-58056 in Netty, CVE-2025-22871 in Go)
                "3\r\nabc\n0\r\n\r\n", // and after the data
                "3\r\nabc\r\n0\n\n",
                "3\r\nabc\r\n0\r\nx: 1\n\r\n",
                "3;a\rb\r\nabc\r\n0\r\n\r\n",
                "3;a=\"x\r\nabc\r\n0\r\n\r\n",
                "3;\r\nabc\r\n0\r\n\r\n",
                "3;a=\r\nabc\r\n0\r\n\r\n",
                "3 x\r\nabc\r\n0\r\n\r\n",
                "10000000000000000\r\n",
            })
    void aMalformedChunkedBodyEndsInAFailedLastContent(String body) {
        EmbeddedChannel ch = new EmbeddedChannel(new Http1RequestDecoder(LIMIT));
        ch.writeInbound(bytes("POST / HTTP/1.1\r\nhost: t\r\ntransfer-encoding: chunked\r\n\r\n" + body));
        List<HttpObject> got = drain(ch);
        assertThat(got.get(0)).isInstanceOf(HttpRequest.class);
        assertThat(got.get(0).decoderResult().isSuccess()).isTrue();
        HttpObject last = got.get(got.size() - 1);
        assertThat(last).isInstanceOf(LastHttpContent.class);
        assertThat(last.decoderResult().isFailure()).as(body).isTrue();
        got.forEach(ReferenceCountUtil::release);
        ch.finishAndReleaseAll();
    }

    @Test
    void limitsGiveTooLongExceptionsForTheLineAndForTheHeadersTogether() {
        EmbeddedChannel line = new EmbeddedChannel(new Http1RequestDecoder(100));
        line.writeInbound(bytes("GET /" + "a".repeat(200)));
        HttpRequest r = line.readInbound();
        assertThat(r.decoderResult().cause()).isInstanceOf(TooLongHttpLineException.class);
        line.finishAndReleaseAll();

        EmbeddedChannel headers = new EmbeddedChannel(new Http1RequestDecoder(100));
        headers.writeInbound(bytes("GET / HTTP/1.1\r\na: " + "x".repeat(50) + "\r\nb: " + "y".repeat(50) + "\r\n"));
        r = headers.readInbound();
        assertThat(r.decoderResult().cause()).isInstanceOf(TooLongHttpHeaderException.class);
        headers.finishAndReleaseAll();

        EmbeddedChannel fits = new EmbeddedChannel(new Http1RequestDecoder(100));
        fits.writeInbound(
                bytes("GET / HTTP/1.1\r\nhost: t\r\na: " + "x".repeat(40) + "\r\nb: " + "y".repeat(40) + "\r\n\r\n"));
        r = fits.readInbound();
        assertThat(r.decoderResult().isSuccess()).isTrue();
        assertThat(r.headers().get("b")).isEqualTo("y".repeat(40));
        fits.finishAndReleaseAll();
    }

    @Test
    void emptyLinesBeforeARequestLeadingZerosAndNameCaseAreReadAsRfc9112Allows() {
        EmbeddedChannel ch = new EmbeddedChannel(new Http1RequestDecoder(LIMIT));
        ch.writeInbound(bytes("\r\n\r\nPOST /x HTTP/1.1\r\nHOST: h\r\nContent-Length: 0000000000000000000003\r\n\r\nabc"
                + "\r\nPOST /y HTTP/1.1\r\nhost: h\r\ntransfer-encoding: chunked\r\n\r\n"
                + "000000000000000003;a;b = c ;d=\"q \\\" \\\\\"\r\nabc\r\n0\r\n\r\n"));
        List<HttpObject> got = drain(ch);
        assertThat(got).allMatch(o -> o.decoderResult().isSuccess());
        HttpRequest first = (HttpRequest) got.get(0);
        assertThat(first.uri()).isEqualTo("/x");
        assertThat(((HeaderMapHeaders) first.headers()).map().toMap())
                .containsExactly(Map.entry("host", "h"), Map.entry("content-length", "0000000000000000000003"));
        assertThat(((HttpContent) got.get(1)).content().toString(StandardCharsets.US_ASCII))
                .isEqualTo("abc");
        assertThat(((HttpRequest) got.get(2)).uri()).isEqualTo("/y");
        assertThat(((HttpContent) got.get(3)).content().toString(StandardCharsets.US_ASCII))
                .isEqualTo("abc");
        assertThat(got.get(got.size() - 1)).isInstanceOf(LastHttpContent.class);
        got.forEach(ReferenceCountUtil::release);
        ch.finishAndReleaseAll();
    }

    @Test
    void aFoldedResponseHeaderIsReadAsOneSpace() {
        EmbeddedChannel ch = new EmbeddedChannel(new UpstreamResponseDecoder());
        ch.writeInbound(bytes("HTTP/1.1 200 OK\r\nX-Folded: one\r\n  two \r\n\tthree\r\ncontent-length: 0\r\n\r\n"));
        HttpResponse r = ch.readInbound();
        assertThat(r.decoderResult().isSuccess()).isTrue();
        assertThat(((HeaderMapHeaders) r.headers()).map().first("x-folded")).isEqualTo("one two three");
        ch.finishAndReleaseAll();
    }

    @Test
    void aResponseToHeadHasNoBodyWhateverItsLength() {
        UpstreamResponseDecoder d = new UpstreamResponseDecoder();
        EmbeddedChannel ch = new EmbeddedChannel(d);
        d.expectBodyless(true);
        ch.writeInbound(bytes("HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n"));
        d.expectBodyless(false);
        ch.writeInbound(bytes("HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello"));
        List<HttpObject> got = drain(ch);
        assertThat(got).hasSize(4);
        assertThat(got.get(1)).isSameAs(LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat(((LastHttpContent) got.get(3)).content().toString(StandardCharsets.US_ASCII))
                .isEqualTo("hello");
        got.forEach(ReferenceCountUtil::release);
        ch.finishAndReleaseAll();
    }

    @Test
    void aResponseCutShortEndsWithoutALastContentSoTheExchangeSeesTheDisconnect() {
        EmbeddedChannel ch = new EmbeddedChannel(new UpstreamResponseDecoder());
        ch.writeInbound(bytes("HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nhello"));
        ch.finish();
        List<HttpObject> got = drain(ch);
        assertThat(got).hasSize(2);
        assertThat(got.get(1)).isNotInstanceOf(LastHttpContent.class);
        got.forEach(ReferenceCountUtil::release);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "HTTP/1.1 20 OK\r\n\r\n",
                "HTTP/1.1 2000 OK\r\n\r\n",
                "HTTP/1.1 099 Low\r\n\r\n",
                "HTTP/3 200 OK\r\n\r\n",
                "garbage\r\n\r\n",
                "HTTP/1.1 200 OK\r\ncontent-length: 2\r\ntransfer-encoding: chunked\r\n\r\n",
                "HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\n",
                "HTTP/1.1 204 No Content\r\ncontent-length: x\r\n\r\n", // checked where no body follows too
                "HTTP/1.1 304 Not Modified\r\ncontent-length: 2\r\ntransfer-encoding: chunked\r\n\r\n",
                "HTTP/1.1 200 OK\r\ncontent-length:\r\n 3\r\n\r\nabc", // folded framing field
                "HTTP/1.1 200 O\u0001K\r\n\r\n",
                "HTTP/1.1 200 OK\ncontent-length: 0\n\n",
            })
    void aMalformedResponseHeadIsHandedOnAsFailed(String head) {
        EmbeddedChannel ch = new EmbeddedChannel(new UpstreamResponseDecoder());
        ch.writeInbound(bytes(head));
        HttpResponse r = ch.readInbound();
        assertThat(r.decoderResult().isFailure()).as(head).isTrue();
        ReferenceCountUtil.release(r);
        ch.finishAndReleaseAll();
    }

    private static List<HttpObject> drain(EmbeddedChannel ch) {
        List<HttpObject> out = new ArrayList<>();
        for (Object o; (o = ch.readInbound()) != null; ) {
            out.add((HttpObject) o);
        }
        return out;
    }

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }
}
