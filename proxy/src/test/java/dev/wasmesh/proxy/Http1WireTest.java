package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The proxy's HTTP/1.1 bytes on both sides, over raw sockets: framing that a client and the echo upstream must
 * both be able to follow on one keep-alive connection.
 */
class Http1WireTest {
    static TestProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        proxy = TestProxy.start(TestProxy.config("seed"));
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    private Socket connect() throws IOException {
        String[] hostPort = proxy.server.listenAddress().toString().split(":");
        Socket s = new Socket(hostPort[0], Integer.parseInt(hostPort[1]));
        s.setSoTimeout(10_000);
        return s;
    }

    /** One response: its head, then exactly as many body bytes as its framing says (none after a HEAD). */
    private static String[] readResponse(InputStream in, boolean toHead) throws IOException {
        String head = readLine(in, "\r\n\r\n");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String lower = head.toLowerCase();
        if (toHead) {
            return new String[] {head, ""};
        }
        if (lower.contains("transfer-encoding: chunked")) {
            while (true) {
                int size = Integer.parseInt(readLine(in, "\r\n").strip(), 16);
                if (size == 0) {
                    readLine(in, "\r\n");
                    break;
                }
                body.write(in.readNBytes(size));
                readLine(in, "\r\n");
            }
        } else if (lower.contains("content-length: ")) {
            int i = lower.indexOf("content-length: ") + 16;
            body.write(in.readNBytes(Integer.parseInt(lower.substring(i, lower.indexOf("\r\n", i)))));
        }
        return new String[] {head, body.toString(StandardCharsets.UTF_8)};
    }

    private static String readLine(InputStream in, String end) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith(end)) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed after: " + sb);
            }
            sb.append((char) c);
        }
        return sb.toString();
    }

    @Test
    void aHeadResponseHasTheUpstreamsLengthButNoBodyAndTheConnectionGoesOn() throws Exception {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write("HEAD /h HTTP/1.1\r\nhost: t\r\n\r\nGET /after HTTP/1.1\r\nhost: t\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String[] head = readResponse(s.getInputStream(), true);
            assertThat(head[0])
                    .startsWith("HTTP/1.1 200 OK\r\n")
                    .containsIgnoringCase("content-length: ")
                    .contains("hello: world");
            // The next bytes are the second response: nothing of a body came after the HEAD's headers.
            String[] get = readResponse(s.getInputStream(), false);
            assertThat(get[0]).startsWith("HTTP/1.1 200 OK\r\n");
            // A GET without a body goes upstream without a content-length (the echo shows what it received).
            assertThat(get[1]).contains("\"path\":\"/after\"").doesNotContain("content-length");
        }
    }

    @Test
    void aChunkedRequestBodyArrivesWholeAndTheResponseIsFramed() throws Exception {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /chunks HTTP/1.1\r\nhost: t\r\ntransfer-encoding: chunked\r\n\r\n"
                            + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String[] r = readResponse(s.getInputStream(), false);
            assertThat(r[0]).startsWith("HTTP/1.1 200 OK\r\n").doesNotContainIgnoringCase("connection: close");
            // The body streamed through the filter, so it went upstream chunked too.
            assertThat(r[1])
                    .contains("\"body\":\"hello world\"")
                    .contains("\"method\":\"POST\"")
                    .contains("\"transfer-encoding\":\"chunked\"")
                    .doesNotContain("content-length");
        }
    }

    @Test
    void anH2cUpgradeOfferedAfterTheFirstRequestIsIgnoredAndTheRequestServedAsHttp11() throws Exception {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write("GET /first HTTP/1.1\r\nhost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readResponse(s.getInputStream(), false)[1]).contains("\"path\":\"/first\"");
            out.write(("GET /second HTTP/1.1\r\nhost: t\r\nconnection: Upgrade, HTTP2-Settings\r\n"
                            + "upgrade: h2c\r\nhttp2-settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String[] r = readResponse(s.getInputStream(), false);
            assertThat(r[0]).startsWith("HTTP/1.1 200 OK\r\n").contains("hello: world");
            // The upgrade's hop-by-hop headers do not reach the upstream either.
            assertThat(r[1])
                    .contains("\"path\":\"/second\"")
                    .doesNotContain("h2c")
                    .doesNotContain("http2-settings");
        }
    }

    @Test
    void anHttp10ClientGetsItsResponseAndTheConnectionCloses() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write("GET /old HTTP/1.0\r\nhost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String[] r = readResponse(s.getInputStream(), false);
            assertThat(r[0]).startsWith("HTTP/1.1 200 OK\r\n").containsIgnoringCase("connection: close");
            assertThat(r[1]).contains("\"path\":\"/old\"");
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void expectContinueIsAnsweredByTheProxyAndNotForwarded() throws Exception {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write("POST /upload HTTP/1.1\r\nhost: t\r\nexpect: 100-continue\r\ncontent-length: 3\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            // The body is sent only once the client was told to go on.
            assertThat(readLine(s.getInputStream(), "\r\n\r\n")).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
            out.write("abc".getBytes(StandardCharsets.US_ASCII));
            String[] r = readResponse(s.getInputStream(), false);
            assertThat(r[0]).startsWith("HTTP/1.1 200 OK\r\n");
            assertThat(r[1]).contains("\"body\":\"abc\"").doesNotContain("expect");
        }
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "x{bad}: 1                                          | http1.invalid_characters",
                "x-bad: a\u0001b                                    | http1.invalid_characters",
                "content-length: 1\\r\\ntransfer-encoding: chunked    | http1.content_length_and_chunked_not_allowed",
                "transfer-encoding: gzip                            | http1.invalid_transfer_encoding",
                "content-length: 1\\r\\ncontent-length: 1            | http1.codec_error",
            })
    void headersTheCodecCannotAcceptAreRefusedWith400AndEnvoysDetailsAndTheConnectionCloses(String bad, String details)
            throws Exception {
        String head = bad.translateEscapes();
        try (Socket s = connect()) {
            s.getOutputStream()
                    .write(("POST / HTTP/1.1\r\nhost: t\r\n" + head + "\r\n\r\nx")
                            .getBytes(StandardCharsets.ISO_8859_1));
            String[] r = readResponse(s.getInputStream(), false);
            assertThat(r[0]).as(bad).startsWith("HTTP/1.1 400 Bad Request\r\n");
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(proxy.awaitOutput(
                        "\" 400 DPE 0 11 0 \"-\" \"-\" \"-\" \"-\" " + details + "\n", Duration.ofSeconds(5)))
                .as(proxy.stdout())
                .isTrue();
    }

    @Test
    void receivedHeaderNamesReachTheUpstreamLowerCasedWithTheirValuesAsSent() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream()
                    .write("GET /case HTTP/1.1\r\nHost: t\r\nX-Mixed-Case: Value As Sent\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
            String[] r = readResponse(s.getInputStream(), false);
            assertThat(r[1]).contains("\"x-mixed-case\":\"Value As Sent\"").contains("\"host\":\"t\"");
        }
    }

    @Test
    void aChunkSizeThatOverflowsGets400WithEnvoysDetailsAndTheConnectionCloses() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream()
                    .write(("POST /overflow HTTP/1.1\r\nhost: t\r\ntransfer-encoding: chunked\r\n\r\n"
                                    + "1ffffffffffffffff\r\nx")
                            .getBytes(StandardCharsets.US_ASCII));
            String[] r = readResponse(s.getInputStream(), false);
            assertThat(r[0]).startsWith("HTTP/1.1 400 Bad Request\r\n").containsIgnoringCase("connection: close");
            assertThat(r[1]).isEqualTo("Bad Request");
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(proxy.awaitOutput("\"POST /overflow HTTP/1.1\" 400 DPE ", Duration.ofSeconds(5)))
                .as(proxy.stdout())
                .isTrue();
        assertThat(proxy.stdout().lines().filter(l -> l.contains("/overflow")))
                .singleElement()
                .asString()
                .endsWith(" http1.codec_error");
    }

    @Test
    void anAbsoluteFormTargetIsServedWithItsPathAndItsAuthorityAsTheHost() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream()
                    .write("GET http://abs.example:8080/abs?q=1 HTTP/1.1\r\nhost: other\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
            String[] r = readResponse(s.getInputStream(), false);
            assertThat(r[0]).startsWith("HTTP/1.1 200 OK\r\n");
            assertThat(r[1])
                    .contains("\"path\":\"/abs?q=1\"")
                    .contains("\"host\":\"abs.example:8080\"")
                    .doesNotContain("other");
            s.getOutputStream().write("GET HTTP://user@t HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            r = readResponse(s.getInputStream(), false);
            assertThat(r[1]).contains("\"path\":\"/\"").contains("\"host\":\"t\"");
        }
    }

    @Test
    void anHttp10RequestMayComeWithoutAHost() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write("GET /no-host HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String[] r = readResponse(s.getInputStream(), false);
            assertThat(r[0]).startsWith("HTTP/1.1 200 OK\r\n");
            assertThat(r[1]).contains("\"path\":\"/no-host\"");
        }
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "GET /h HTTP/1.1\\r\\n                         | missing_host_header",
                "GET /h HTTP/1.1\\r\\nhost: a\\r\\nHost: b\\r\\n | http.invalid_authority",
                "GET /h HTTP/1.0\\r\\nhost: a\\r\\nhost: a\\r\\n | http.invalid_authority",
                "GET https://t/h HTTP/1.1\\r\\nhost: t\\r\\n       | http.invalid_scheme",
                "GET http:///h HTTP/1.1\\r\\nhost: t\\r\\n         | http1.invalid_url",
            })
    void requestsWithoutOneHostAreRefusedWith400AndEnvoysDetails(String head, String details) throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write((head.translateEscapes() + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String[] r = readResponse(s.getInputStream(), false);
            assertThat(r[0]).as(head).startsWith("HTTP/1.1 400 Bad Request\r\n");
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(proxy.awaitOutput(
                        "\" 400 DPE 0 11 0 \"-\" \"-\" \"-\" \"-\" " + details + "\n", Duration.ofSeconds(5)))
                .as(proxy.stdout())
                .isTrue();
    }
}
