package dev.wasmesh.proxy.http1;

import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.proxy.config.Limits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.util.List;

/**
 * HTTP/1.1 messages read from the bytes straight into {@link HeaderMap}s: requests on a downstream connection
 * ({@link Http1RequestDecoder}), responses on an upstream one ({@link UpstreamResponseDecoder}). It hands on Netty's
 * HTTP objects, as Netty's decoder does, so that Netty's h2c upgrade handler works with it; what it saves is the
 * parsing, which was a fifth of the proxy's user time: each line is copied once into a reused array, common names
 * are matched there without a copy, and every value is one string. This class keeps the state of the message being
 * read and its framing; the syntax of a line's parts is {@link Http1Syntax}'s.
 * <p>
 * It reads strictly, as a proxy must so that it never finds other message boundaries in the same bytes than a
 * proxy in front of it (request smuggling). Malformed are: a line not ended by CRLF; anything but empty lines
 * before a message; a folded header line in a request, or on a framing field; a message with both
 * {@code transfer-encoding} and {@code content-length}, with more than one {@code content-length}, or with
 * {@code transfer-encoding} in HTTP/1.0 (RFC 9112 6); a request whose transfer coding does not end in chunked; a
 * chunk not followed by CRLF, or with an extension that is not well formed. A malformed head becomes a message whose
 * decoder result is the failure ({@link TooLongHttpLineException} or {@link TooLongHttpHeaderException} for the
 * limits), a malformed body a last content with a failed result; either way the connection's remaining bytes are
 * discarded, as by Netty's decoder.
 */
public abstract class Http1Decoder extends ByteToMessageDecoder {
    /** A message this decoder refuses, with the response code details Envoy's HTTP/1 codec gives it. */
    public static final class Malformed extends IllegalArgumentException {
        static final String INVALID_CHARACTERS = "http1.invalid_characters";
        static final String INVALID_TRANSFER_ENCODING = "http1.invalid_transfer_encoding";
        private static final long serialVersionUID = 1L;

        private final String details;

        Malformed(String message) {
            this("http1.codec_error", message);
        }

        Malformed(String details, String message) {
            super(message);
            this.details = details;
        }

        /** Envoy's response code details for this refusal, e.g. {@code http1.invalid_characters}. */
        public String details() {
            return details;
        }
    }

    private enum State {
        START,
        HEADERS,
        FIXED,
        CHUNK_SIZE,
        CHUNK_DATA,
        CHUNK_END,
        TRAILERS,
        UNTIL_CLOSE,
        BAD
    }

    private static final short CRLF = ('\r' << 8) | '\n';
    private final int maxLineLength;
    private final int maxHeaderSize;
    private byte[] line = new byte[128];
    /** The head's framing fields, noted as they are read. */
    private String length;

    private int lengths;
    private boolean encoded;
    private State state = State.START;
    private HttpMessage message;
    /** The head's or the trailers' headers being read. */
    private HeaderMap headers;

    private HeaderMapHeaders trailers;
    private int headerBytes;
    /** The header line read last, held back until the next line shows whether it continues (obs-fold). */
    private String pendingName;

    private String pendingValue;
    private long remaining;
    /** When the head being read began: its first byte, or the decoder's creation for the first; 0 between heads. */
    private long headSince = System.nanoTime();

    private boolean headBytes;

    Http1Decoder(int maxLineLength, int maxHeaderSize) {
        this.maxLineLength = maxLineLength;
        this.maxHeaderSize = maxHeaderSize;
    }

    /** The message that the start line in {@code line[0..length)} begins, with empty {@code headers}. */
    abstract HttpMessage startLine(byte[] line, int length, HeaderMapHeaders headers);

    /** The message a malformed head is handed on as: its decoder result is set to the failure. */
    abstract HttpMessage invalid();

    /** Whether {@code m} has no body whatever its headers say (a response to HEAD, 1xx, 204, 304). */
    abstract boolean bodyless(HttpMessage m);

    /** Whether a message without content-length or chunked coding has a body that lasts until the connection closes. */
    abstract boolean readsUntilClose();

    /**
     * Whether this decoder reads requests, which RFC 9112 has it hold to stricter rules: whitespace between a field
     * name and its colon is refused (5.1), and so are folded lines (5.2 allows it).
     */
    abstract boolean readsRequests();

    /** Checks, and may complete, a head whose header lines are all read; throws {@link Malformed} to refuse it. */
    void headRead(HttpMessage m, HeaderMap headers) {}

    /** When the head being read began (System.nanoTime), or 0 if none is being read. */
    public final long headSince() {
        return headSince;
    }

    /** Whether a byte of the head being read has arrived (the first head is waited for before it has any). */
    public final boolean headBytes() {
        return headBytes;
    }

    @Override
    protected final void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (state == State.START && !headBytes && in.isReadable()) {
            headBytes = true;
            if (headSince == 0) {
                headSince = System.nanoTime();
            }
        }
        try {
            while (in.isReadable() && step(in, out)) {
                // each step consumed a line or some content; go on while whole parts are there
            }
        } catch (IllegalArgumentException | TooLongFrameException e) {
            fail(in, out, e);
        }
    }

    /**
     * Decodes one part; false when the rest has not arrived yet, or when a message has just ended: its parts go on
     * before the next is read, so that a handler it reaches can still take this decoder out (an h2c upgrade).
     */
    private boolean step(ByteBuf in, List<Object> out) {
        switch (state) {
            case START:
                // RFC 9112 2.2: empty lines (CRLF, nothing else) before a message are ignored.
                while (in.readableBytes() >= 2 && in.getShort(in.readerIndex()) == CRLF) {
                    in.skipBytes(2);
                }
                if (in.readableBytes() == 1 && in.getByte(in.readerIndex()) == '\r') {
                    return false;
                }
                int n = readLine(in, maxLineLength, true);
                if (n < 0) {
                    return false;
                }
                HeaderMapHeaders h = new HeaderMapHeaders();
                headers = h.map();
                headerBytes = 0;
                length = null;
                lengths = 0;
                encoded = false;
                message = startLine(line, n, h);
                state = State.HEADERS;
                return true;
            case HEADERS:
            case TRAILERS:
                return readHeaders(in, out);
            case FIXED:
            case CHUNK_DATA:
                int take = (int) Math.min(remaining, in.readableBytes());
                ByteBuf data = in.readRetainedSlice(take);
                remaining -= take;
                if (remaining > 0) {
                    out.add(new DefaultHttpContent(data));
                } else if (state == State.FIXED) {
                    out.add(new DefaultLastHttpContent(data, EmptyHttpHeaders.INSTANCE)); // no trailers to build
                    state = State.START;
                    return false;
                } else {
                    out.add(new DefaultHttpContent(data));
                    state = State.CHUNK_END;
                }
                return true;
            case CHUNK_SIZE:
                int len = readLine(in, Limits.CHUNK_LINE_MAX_BYTES, false);
                if (len < 0) {
                    return false;
                }
                remaining = Http1Syntax.chunkSize(line, len);
                if (remaining == 0) {
                    trailers = new HeaderMapHeaders();
                    headers = trailers.map();
                    headerBytes = 0;
                    state = State.TRAILERS;
                } else {
                    state = State.CHUNK_DATA;
                }
                return true;
            case CHUNK_END:
                int end = readLine(in, Limits.CHUNK_LINE_MAX_BYTES, false);
                if (end < 0) {
                    return false;
                }
                if (end > 0) {
                    throw new Malformed("a chunk's data is not followed by CRLF");
                }
                state = State.CHUNK_SIZE;
                return true;
            case UNTIL_CLOSE:
                out.add(new DefaultHttpContent(in.readRetainedSlice(in.readableBytes())));
                return true;
            case BAD:
            default:
                in.skipBytes(in.readableBytes());
                return false;
        }
    }

    /** Header (or trailer) lines until the empty one, then what the head's framing says follows. */
    private boolean readHeaders(ByteBuf in, List<Object> out) {
        for (; ; ) {
            int n = readLine(in, maxHeaderSize - headerBytes, false);
            if (n < 0) {
                return false;
            }
            headerBytes += n;
            if (n > 0 && (line[0] == ' ' || line[0] == '\t')) {
                fold(n);
                continue;
            }
            if (pendingName != null) {
                if (pendingName.equals("content-length")) {
                    length = pendingValue;
                    lengths++;
                } else if (pendingName.equals("transfer-encoding")) {
                    encoded = true;
                }
                headers.add(pendingName, pendingValue);
                pendingName = null;
            }
            if (n == 0) {
                break;
            }
            field(n);
        }
        if (state == State.TRAILERS) {
            // RFC 9110 6.5.1: framing fields cannot arrive as trailers.
            headers.removeIf(name ->
                    name.equals("content-length") || name.equals("transfer-encoding") || name.equals("trailer"));
            out.add(
                    headers.isEmpty()
                            ? LastHttpContent.EMPTY_LAST_CONTENT
                            : new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, trailers));
            trailers = null;
            state = State.START;
            return false;
        }
        HttpMessage m = message;
        message = null;
        frame(m, out);
        return state != State.START;
    }

    /** Hands on the head and moves to the state its body's framing needs (RFC 9112 6.3). */
    private void frame(HttpMessage m, List<Object> out) {
        if (encoded && lengths > 0) {
            throw new Malformed(
                    "http1.content_length_and_chunked_not_allowed", "both transfer-encoding and content-length");
        }
        headRead(m, headers);
        headSince = 0;
        headBytes = false;
        if (lengths > 0) {
            remaining = Http1Syntax.contentLength(
                    length, lengths); // checked even where no body follows: the head is forwarded as it is
        }
        if (bodyless(m)) {
            out.add(m);
            out.add(LastHttpContent.EMPTY_LAST_CONTENT);
            state = State.START;
        } else if (encoded) {
            if (m.protocolVersion() != HttpVersion.HTTP_1_1) { // RFC 9112 6.1: the framing is faulty
                throw new Malformed(Malformed.INVALID_TRANSFER_ENCODING, "transfer-encoding in HTTP/1.0");
            }
            boolean chunked = Http1Syntax.chunkedLast(headers.all("transfer-encoding"));
            if (!chunked && !readsUntilClose()) {
                throw new Malformed(Malformed.INVALID_TRANSFER_ENCODING, "a request's coding must end with chunked");
            }
            out.add(m);
            state = chunked ? State.CHUNK_SIZE : State.UNTIL_CLOSE;
        } else if (lengths > 0) {
            out.add(m);
            if (remaining == 0) {
                out.add(LastHttpContent.EMPTY_LAST_CONTENT);
                state = State.START;
            } else {
                state = State.FIXED;
            }
        } else if (readsUntilClose()) {
            out.add(m);
            state = State.UNTIL_CLOSE;
        } else {
            out.add(m);
            out.add(LastHttpContent.EMPTY_LAST_CONTENT);
            state = State.START;
        }
    }

    /** One {@code name: value} line; the pair waits in pending until the next line is read. */
    private void field(int n) {
        byte[] b = line;
        int colon = 0;
        while (colon < n && b[colon] != ':') {
            colon++;
        }
        if (colon == n) {
            throw new Malformed("a header line without a colon");
        }
        int nameEnd = colon;
        if (!readsRequests()) {
            while (nameEnd > 0 && (b[nameEnd - 1] == ' ' || b[nameEnd - 1] == '\t')) {
                nameEnd--;
            }
        }
        if (nameEnd == 0) {
            throw new Malformed("an empty header name");
        }
        for (int i = 0; i < nameEnd; i++) {
            if (!Http1Syntax.token(b[i])) {
                throw new Malformed(Malformed.INVALID_CHARACTERS, "a header name is not a token");
            }
        }
        pendingName = Http1Syntax.name(b, nameEnd);
        pendingValue = Http1Syntax.value(b, colon + 1, n);
    }

    /**
     * obs-fold: a line that starts with whitespace continues the previous value. RFC 9112 5.2 lets a server refuse it
     * (requests are, with 400) or read it as one space (responses are, but not on framing fields, which a proxy in
     * front might read unfolded).
     */
    private void fold(int n) {
        if (pendingName == null
                || readsRequests()
                || pendingName.equals("content-length")
                || pendingName.equals("transfer-encoding")) {
            throw new Malformed("a folded header line");
        }
        String more = Http1Syntax.value(line, 0, n);
        pendingValue = pendingValue.isEmpty() ? more : more.isEmpty() ? pendingValue : pendingValue + ' ' + more;
    }

    /**
     * Copies the next line, without its CRLF, into {@code line} and returns its length; -1 if it has not all arrived.
     * A line longer than {@code limit} is refused, and so is a bare LF: RFC 9112 2.2 lets a recipient take one as a
     * line end, but a proxy that does reads different messages from the same bytes than one in front of it that does
     * not (a bare CR inside a line is refused where the line is parsed).
     */
    private int readLine(ByteBuf in, int limit, boolean startLine) {
        int from = in.readerIndex();
        int lf = in.indexOf(from, in.writerIndex(), (byte) '\n');
        if (lf < 0) {
            if (in.readableBytes() > limit + 1) { // + 1: the CR may be there already
                throw tooLong(startLine, limit);
            }
            return -1;
        }
        if (lf == from || in.getByte(lf - 1) != '\r') {
            throw new Malformed("a line ends in LF without CR");
        }
        int n = lf - from - 1;
        if (n > limit) {
            throw tooLong(startLine, limit);
        }
        if (n > line.length) {
            line = new byte[Math.max(n, line.length * 2)];
        }
        in.getBytes(from, line, 0, n);
        in.readerIndex(lf + 1);
        return n;
    }

    private TooLongFrameException tooLong(boolean startLine, int limit) {
        return startLine
                ? new TooLongHttpLineException("An HTTP line is larger than " + limit + " bytes.")
                : state == State.HEADERS || state == State.TRAILERS
                        ? new TooLongHttpHeaderException("HTTP header is larger than " + maxHeaderSize + " bytes.")
                        : new TooLongHttpLineException("A chunk line is larger than " + limit + " bytes.");
    }

    /** The rest of the connection is discarded; the message in progress is handed on as failed. */
    private void fail(ByteBuf in, List<Object> out, RuntimeException cause) {
        boolean inHead = state == State.START || state == State.HEADERS;
        state = State.BAD;
        message = null;
        trailers = null;
        pendingName = null;
        in.skipBytes(in.readableBytes());
        if (inHead) {
            HttpMessage m = invalid();
            m.setDecoderResult(DecoderResult.failure(cause));
            out.add(m);
        } else {
            LastHttpContent last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
            last.setDecoderResult(DecoderResult.failure(cause));
            out.add(last);
        }
    }

    /** At the connection's end only a body that lasts until then is complete; anything else was cut short. */
    @Override
    protected final void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        super.decodeLast(ctx, in, out);
        if (state == State.UNTIL_CLOSE) {
            out.add(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        state = State.BAD;
    }
}
