package dev.wasmesh.proxy.http1;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HeadersTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "connection",
                "keep-alive",
                "proxy-connection",
                "transfer-encoding",
                "upgrade",
                "http2-settings",
                "te",
                "x-http2-stream-id",
                "x-http2-scheme"
            })
    void connectionSpecificHeadersAreNotForwarded(String name) {
        assertThat(Headers.forwardable(name)).isFalse();
    }

    /** Names of the same lengths as the connection-specific ones, and others. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "tE",
                "ab",
                "accepts",
                "user-agent",
                "x-forwarded",
                "content-length",
                "x-request-id-ab",
                "accept-encodingx",
                "x-forwarded-proto",
                "host",
                "x-http2",
                "x-http3-stream-id",
                "hello",
                ""
            })
    void otherHeadersAre(String name) {
        assertThat(Headers.forwardable(name)).isTrue();
    }
}
