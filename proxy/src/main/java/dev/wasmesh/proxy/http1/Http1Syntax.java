package dev.wasmesh.proxy.http1;

import dev.wasmesh.proxy.http1.Http1Decoder.Malformed;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * HTTP/1.1's syntax on the bytes of one line, as {@link Http1Decoder} reads it (RFC 9112, RFC 9110 5.6): tokens,
 * field names (common ones shared as constants) and values, chunk sizes and their extensions, transfer codings,
 * content-length, versions. Everything here is stateless; what is malformed throws {@link Malformed}.
 */
final class Http1Syntax {
    private static final boolean[] TCHAR = new boolean[256];
    /** Common header names by length, lower-case: a received name equal to one, in any case, shares its string. */
    private static final String[][] COMMON_BY_LENGTH = byLength(
            "host",
            "date",
            "vary",
            "etag",
            "range",
            "accept",
            "cookie",
            "server",
            "origin",
            "expect",
            "pragma",
            "referer",
            "upgrade",
            "location",
            "connection",
            "keep-alive",
            "set-cookie",
            "user-agent",
            "grpc-status",
            "content-type",
            "x-request-id",
            "grpc-message",
            "authorization",
            "cache-control",
            "last-modified",
            "if-none-match",
            "content-length",
            "accept-encoding",
            "accept-language",
            "x-forwarded-for",
            "transfer-encoding",
            "x-forwarded-proto",
            "if-modified-since",
            "grpc-encoding",
            "accept-ranges",
            "content-encoding");

    private static final byte[][][] COMMON_BYTES_BY_LENGTH = new byte[COMMON_BY_LENGTH.length][][];

    static {
        for (int c = 0; c < 256; c++) {
            TCHAR[c] = Http1Encoder.token((char) c);
        }
        for (int n = 0; n < COMMON_BY_LENGTH.length; n++) {
            if (COMMON_BY_LENGTH[n] != null) {
                COMMON_BYTES_BY_LENGTH[n] = new byte[COMMON_BY_LENGTH[n].length][];
                for (int c = 0; c < COMMON_BY_LENGTH[n].length; c++) {
                    COMMON_BYTES_BY_LENGTH[n][c] = COMMON_BY_LENGTH[n][c].getBytes(StandardCharsets.US_ASCII);
                }
            }
        }
    }

    private Http1Syntax() {}

    /** Whether byte {@code b} may be part of a token (RFC 9110 5.6.2). */
    static boolean token(byte b) {
        return TCHAR[b & 0xFF];
    }

    /** The common name's shared string, else the name lower-cased; the name's bytes are tokens. */
    static String name(byte[] b, int n) {
        if (n < COMMON_BY_LENGTH.length && COMMON_BY_LENGTH[n] != null) {
            byte[][] bytes = COMMON_BYTES_BY_LENGTH[n];
            for (int c = 0; c < bytes.length; c++) {
                if (sameIgnoringCase(bytes[c], b)) {
                    return COMMON_BY_LENGTH[n][c];
                }
            }
        }
        for (int i = 0; i < n; i++) {
            if (b[i] >= 'A' && b[i] <= 'Z') {
                b[i] += 'a' - 'A';
            }
        }
        return new String(b, 0, n, StandardCharsets.ISO_8859_1);
    }

    /** For token bytes only: OR-ing in 0x20 lower-cases a letter and leaves '-' and digits as they are. */
    private static boolean sameIgnoringCase(byte[] lower, byte[] b) {
        for (int i = 0; i < lower.length; i++) {
            if ((b[i] | 0x20) != lower[i]) {
                return false;
            }
        }
        return true;
    }

    /** {@code b[from..to)} without surrounding whitespace; no other control character may be in it. */
    static String value(byte[] b, int from, int to) {
        while (from < to && (b[from] == ' ' || b[from] == '\t')) {
            from++;
        }
        while (to > from && (b[to - 1] == ' ' || b[to - 1] == '\t')) {
            to--;
        }
        for (int i = from; i < to; i++) {
            int c = b[i] & 0xFF;
            if (control(c)) {
                throw new Malformed(Malformed.INVALID_CHARACTERS, "a header value contains a control character");
            }
        }
        return from == to ? "" : new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }

    /**
     * The size a chunk line states in hex. Its extensions are ignored but must be well formed (RFC 9112 7.1.1:
     * {@code ;name} or {@code ;name=token} or {@code ;name="quoted"}), so that no CR, LF or stray quote in them can
     * be read otherwise by another parser.
     */
    static long chunkSize(byte[] b, int n) {
        long size = 0;
        int i = 0;
        for (; i < n; i++) {
            int d = Character.digit(b[i], 16);
            if (d < 0) {
                break;
            }
            if (size > Long.MAX_VALUE >>> 4) {
                throw new Malformed("a chunk size too large");
            }
            size = size * 16 + d;
        }
        if (i == 0) {
            throw new Malformed("a chunk line without a size");
        }
        while ((i = whitespace(b, i, n)) < n) {
            if (b[i] != ';') {
                throw new Malformed("a malformed chunk size");
            }
            i = token(b, whitespace(b, i + 1, n), n);
            int j = whitespace(b, i, n);
            if (j < n && b[j] == '=') {
                j = whitespace(b, j + 1, n);
                i = j < n && b[j] == '"' ? quoted(b, j, n) : token(b, j, n);
            }
        }
        return size;
    }

    private static int whitespace(byte[] b, int i, int n) {
        while (i < n && (b[i] == ' ' || b[i] == '\t')) {
            i++;
        }
        return i;
    }

    /** The end of the token at {@code i}, which must not be empty. */
    private static int token(byte[] b, int i, int n) {
        int start = i;
        while (i < n && TCHAR[b[i] & 0xFF]) {
            i++;
        }
        if (i == start) {
            throw new Malformed("a malformed chunk extension");
        }
        return i;
    }

    /** The end of the quoted string that opens at {@code i} (RFC 9110 5.6.4). */
    private static int quoted(byte[] b, int i, int n) {
        for (i++; i < n; i++) {
            int c = b[i] & 0xFF;
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\') {
                i++;
                c = i < n ? b[i] & 0xFF : 0;
            }
            if (control(c)) {
                throw new Malformed("a malformed chunk extension");
            }
        }
        throw new Malformed("a chunk extension's quoted string does not end");
    }

    /** Whether the final transfer coding is chunked (RFC 9112 6.1); chunked before the last one is malformed. */
    static boolean chunkedLast(List<String> values) {
        boolean last = false;
        for (String v : values) {
            for (String coding : v.split(",", -1)) {
                String c = coding.trim();
                if (c.isEmpty()) {
                    continue;
                }
                if (last) {
                    throw new Malformed(Malformed.INVALID_TRANSFER_ENCODING, "a transfer coding after chunked");
                }
                last = c.equalsIgnoreCase("chunked");
            }
        }
        return last;
    }

    /** One content-length, all digits (RFC 9112 6.3: several, even equal, are refused here, as by Netty). */
    static long contentLength(String v, int count) {
        if (count != 1) {
            throw new Malformed("more than one content-length");
        }
        if (v.isEmpty()) {
            throw new Malformed("a malformed content-length");
        }
        long n = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9' || n > (Long.MAX_VALUE - 9) / 10) {
                throw new Malformed("a malformed content-length");
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** A control character other than HTAB: what field values, reason phrases and quoted strings may not hold. */
    static boolean control(int c) {
        return (c < ' ' && c != '\t') || c == 0x7F;
    }

    /** HTTP/1.1 or HTTP/1.0, the versions an HTTP/1 proxy speaks; anything else is malformed. */
    static HttpVersion version(byte[] b, int from, int to) {
        if (matches("HTTP/1.1", b, from, to - from)) {
            return HttpVersion.HTTP_1_1;
        }
        if (matches("HTTP/1.0", b, from, to - from)) {
            return HttpVersion.HTTP_1_0;
        }
        throw new Malformed("an HTTP version other than 1.1 and 1.0");
    }

    /** Whether {@code b[from..from+n)} is {@code ascii}, exactly. */
    static boolean matches(String ascii, byte[] b, int from, int n) {
        if (ascii.length() != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (b[from + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    static int indexOf(byte[] b, int from, int to, byte value) {
        for (int i = from; i < to; i++) {
            if (b[i] == value) {
                return i;
            }
        }
        return -1;
    }

    private static String[][] byLength(String... names) {
        String[][] table = new String[32][];
        for (String n : names) {
            String[] bucket = table[n.length()];
            bucket = bucket == null ? new String[1] : Arrays.copyOf(bucket, bucket.length + 1);
            bucket[bucket.length - 1] = n;
            table[n.length()] = bucket;
        }
        return table;
    }
}
