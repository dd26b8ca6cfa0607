package dev.wasmesh.proxy.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wasmesh.host.stream.HeaderMap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Http1EncoderTest {
    private static final UnpooledByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;

    private static String text(ByteBuf b) {
        try {
            return b.toString(StandardCharsets.ISO_8859_1);
        } finally {
            b.release();
        }
    }

    @Test
    void aRequestHeadTakesHostFromTheAuthorityAndDropsPseudoAndHopByHopHeaders() {
        HeaderMap h = HeaderMap.of(
                ":method",
                "POST",
                ":path",
                "/a?b=1",
                ":authority",
                "example.com",
                ":scheme",
                "http",
                "connection",
                "keep-alive",
                "content-length",
                "99",
                "x-a",
                "1",
                "host",
                "old");
        assertThat(text(Http1Encoder.requestHead(ALLOC, h, 5)))
                .isEqualTo("POST /a?b=1 HTTP/1.1\r\nhost: example.com\r\nx-a: 1\r\ncontent-length: 5\r\n\r\n");
        assertThat(text(Http1Encoder.requestHead(ALLOC, h, Http1Encoder.CHUNKED)))
                .isEqualTo("POST /a?b=1 HTTP/1.1\r\nhost: example.com\r\nx-a: 1\r\ntransfer-encoding: chunked\r\n\r\n");
        assertThat(text(Http1Encoder.requestHead(ALLOC, HeaderMap.of(), Http1Encoder.AS_IS)))
                .isEqualTo("GET / HTTP/1.1\r\n\r\n");
    }

    @Test
    void aMethodThatIsNotATokenIsRefused() {
        assertThatThrownBy(() -> Http1Encoder.requestHead(ALLOC, HeaderMap.of(":method", "GET /x"), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(":method");
    }

    @Test
    void aResponseHeadKeepsItsLengthAsIsAndStatesCloseWhenAsked() {
        HeaderMap h = HeaderMap.of(
                ":status", "404", "content-length", "12", "transfer-encoding", "chunked", "x-b", "caf\u00e9");
        assertThat(text(Http1Encoder.responseHead(ALLOC, h, Http1Encoder.AS_IS, true)))
                .isEqualTo(
                        "HTTP/1.1 404 Not Found\r\ncontent-length: 12\r\nx-b: caf\u00e9\r\nconnection: close\r\n\r\n");
        assertThat(text(Http1Encoder.responseHead(ALLOC, HeaderMap.of(":status", "x"), 0, false)))
                .isEqualTo("HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n");
    }

    @Test
    void chunksCarryTheirHexSizeAndTheLastOneTheTrailers() {
        assertThat(text(Http1Encoder.chunk(ALLOC, new byte[26])))
                .startsWith("1a\r\n")
                .endsWith("\r\n")
                .hasSize(32);
        assertThat(text(Http1Encoder.lastChunk(ALLOC, null))).isEqualTo("0\r\n\r\n");
        assertThat(text(Http1Encoder.lastChunk(ALLOC, HeaderMap.of("grpc-status", "0"))))
                .isEqualTo("0\r\ngrpc-status: 0\r\n\r\n");
    }
}
