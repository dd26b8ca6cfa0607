package dev.wasmesh.proxy.http1;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeaderMapHeadersTest {
    /** Netty's own headers are the reference for what the decoders' questions mean. */
    private static void sameAnswers(List<String> values, String... asked) {
        HttpHeaders ours = new HeaderMapHeaders();
        HttpHeaders netty =
                DefaultHttpHeadersFactory.headersFactory().withValidation(false).newHeaders();
        for (String v : values) {
            ours.add("Transfer-Encoding", v);
            netty.add("Transfer-Encoding", v);
        }
        for (String a : asked) {
            for (boolean ignoreCase : new boolean[] {true, false}) {
                assertThat(ours.containsValue("transfer-encoding", a, ignoreCase))
                        .as("%s in %s, ignoreCase %s", a, values, ignoreCase)
                        .isEqualTo(netty.containsValue("transfer-encoding", a, ignoreCase));
            }
        }
    }

    @Test
    void containsValueReadsCommaSeparatedTrimmedValuesAsNettyDoes() {
        String[] asked = {"chunked", "CHUNKED", "gzip", "", "chunk", "chunked, gzip"};
        sameAnswers(List.of("chunked"), asked);
        sameAnswers(List.of("Chunked"), asked);
        sameAnswers(List.of("gzip, chunked"), asked);
        sameAnswers(List.of("gzip,chunked "), asked);
        sameAnswers(List.of("gzip", " \tchunked"), asked);
        sameAnswers(List.of("xchunked", "chunkedx"), asked);
        sameAnswers(List.of("gzip,", ",", ""), asked);
        sameAnswers(List.of(), asked);
    }

    @Test
    void containsValueIsFalseForAnotherName() {
        HttpHeaders ours = new HeaderMapHeaders();
        ours.add("connection", "close");
        assertThat(ours.containsValue("upgrade", "close", true)).isFalse();
        assertThat(ours.containsValue("Connection", "close", true)).isTrue();
    }
}
