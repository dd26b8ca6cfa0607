package dev.wasmesh.proxy.http1;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
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
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Coverage-guided fuzzing of the HTTP/1.1 decoders through Netty's EmbeddedChannel, on any bytes a client or an
 * upstream can send. For every input: no exception leaves the decoder (a malformed message is a failed decoder
 * result, after which nothing more is handed on); the messages are well formed (a head, content, a last content,
 * in that order); the same bytes in random pieces decode to the same messages (no message boundary depends on how
 * TCP split the bytes); and where both this decoder and Netty's own read the whole input without an error, they
 * read the same messages (no request smuggling between two readers of the same bytes). The seed corpus runs with
 * the tests; see docs/fuzzing.md for long runs.
 */
class Http1DecoderFuzzTest {
    /** Small enough that inputs of the fuzzer's default maximum length (4 KiB) reach the limits. */
    private static final int LIMIT = 2048;

    private static final Pattern WHITESPACE = Pattern.compile("[ \t]+");
    private static final Pattern TRANSFER_ENCODING = Pattern.compile(" \\| transfer-encoding: [^|]*?(?= \\| |$)");
    private static final Pattern AT_THE_ENDS = Pattern.compile("^[ \t]+|[ \t]+$");

    @FuzzTest(maxDuration = "30s")
    void requests(byte[] wire) {
        check(() -> new Http1RequestDecoder(LIMIT), HttpRequestDecoder::new, wire, false);
    }

    @FuzzTest(maxDuration = "30s")
    void responses(byte[] wire) {
        check(UpstreamResponseDecoder::new, HttpResponseDecoder::new, wire, true);
    }

    /** A response to HEAD: no body whatever the head says. */
    @FuzzTest(maxDuration = "30s")
    void headResponses(byte[] wire) {
        check(
                () -> {
                    UpstreamResponseDecoder d = new UpstreamResponseDecoder();
                    d.expectBodyless(true);
                    return d;
                },
                null,
                wire,
                true);
    }

    private static void check(
            Supplier<ChannelHandler> decoder, Supplier<ChannelHandler> netty, byte[] wire, boolean closeAtEnd) {
        Decoded whole = decode(decoder.get(), wire, null, closeAtEnd, false);
        Decoded pieces = decode(decoder.get(), wire, new Random(Arrays.hashCode(wire)), closeAtEnd, false);
        assertThat(pieces.events).as("the same bytes in pieces").isEqualTo(whole.events);
        if (netty != null && !whole.failed) {
            Decoded reference = decode(netty.get(), wire, null, closeAtEnd, true);
            if (!reference.failed) {
                assertThat(withoutCoding(whole.events))
                        .as("as Netty's decoder reads them")
                        .isEqualTo(withoutCoding(reference.events));
            }
        }
    }

    /** Netty's decoder takes chunked out of transfer-encoding where no body follows (1xx, 204, 304); this one not. */
    private static List<String> withoutCoding(List<String> events) {
        return events.stream()
                .map(e -> TRANSFER_ENCODING.matcher(e).replaceAll(""))
                .toList();
    }

    private record Decoded(List<String> events, boolean failed) {}

    /**
     * What a decoder hands on, as text: each head (method or status, target, version, headers with lower-cased
     * names), the body between heads, each end with its trailers; a failure ends the list. {@code split} null
     * writes the bytes at once.
     */
    private static Decoded decode(
            ChannelHandler decoder, byte[] bytes, Random split, boolean closeAtEnd, boolean reference) {
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        int at = 0;
        while (at < bytes.length) {
            int n = split == null
                    ? bytes.length
                    : Math.min(bytes.length - at, 1 + split.nextInt(split.nextBoolean() ? 4 : 300));
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, at, n)); // rethrows what the pipeline threw
            at += n;
        }
        if (closeAtEnd) {
            ch.finish();
        }
        List<String> events = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        boolean inMessage = false;
        boolean failed = false;
        for (Object o; (o = ch.readInbound()) != null; ) {
            try {
                if (failed && reference) {
                    continue; // not compared
                }
                assertThat(failed).as("nothing after a failure: %s", o).isFalse();
                if (!(o instanceof HttpObject h)) {
                    // Netty's decoder hands on the bytes after a 101 as they are (switched protocols); this one
                    // reads a 101 as an interim response. Such input is not compared.
                    assertThat(reference).as("only HTTP objects: %s", o).isTrue();
                    failed = true;
                    continue;
                }
                if (h.decoderResult().isFailure()) {
                    failed = true;
                    events.add("failed");
                    continue;
                }
                if (h instanceof HttpMessage m) {
                    assertThat(inMessage).as("a head inside a message").isFalse();
                    inMessage = true;
                    events.add(head(m));
                }
                if (h instanceof HttpContent c) {
                    assertThat(inMessage).as("content outside a message").isTrue();
                    body.append(HexFormat.of().formatHex(ByteBufUtil.getBytes(c.content())));
                    if (c instanceof LastHttpContent last) {
                        StringBuilder sb =
                                new StringBuilder("body ").append(body).append(" end");
                        appendHeaders(sb, last.trailingHeaders());
                        events.add(sb.toString());
                        body.setLength(0);
                        inMessage = false;
                    }
                }
            } finally {
                ReferenceCountUtil.release(o);
            }
        }
        ch.finishAndReleaseAll();
        return new Decoded(events, failed);
    }

    private static String head(HttpMessage m) {
        StringBuilder sb = new StringBuilder(
                m instanceof HttpRequest r
                        ? r.method() + " " + r.uri()
                        : String.valueOf(((HttpResponse) m).status().code()));
        sb.append(' ').append(m.protocolVersion());
        appendHeaders(sb, m.headers());
        return sb.toString();
    }

    /**
     * The fields sorted by name (the values of one name in their order), each value with its whitespace (SP, HTAB)
     * runs as one space and none at the ends. Neither is a difference in what the messages are, and Netty's
     * decoder differs in both: it can move transfer-encoding behind the other fields of a bodyless response, and keeps a trailing
     * space for an empty folded line (obs-fold), which this one drops (RFC 9110 5.5).
     */
    private static void appendHeaders(StringBuilder sb, Iterable<Map.Entry<String, String>> headers) {
        List<String> fields = new ArrayList<>();
        for (Map.Entry<String, String> e : headers) {
            fields.add(e.getKey().toLowerCase(Locale.ROOT) + ": "
                    + WHITESPACE
                            .matcher(AT_THE_ENDS.matcher(e.getValue()).replaceAll(""))
                            .replaceAll(" "));
        }
        fields.sort(Comparator.comparing(f -> f.substring(0, f.indexOf(": ")))); // stable
        fields.forEach(f -> sb.append(" | ").append(f));
    }
}
