package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class ChainTest {
    @Test
    void seedAndRustFiltersBothActOnTheResponse() throws Exception {
        try (TestProxy p = TestProxy.start(TestProxy.config("seed", "rust"))) {
            HttpResponse<String> r = p.get("/chain");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().allValues("hello")).containsExactly("world");
            assertThat(r.headers().firstValue("x-rust")).hasValue("yes");
        }
    }

    @Test
    void localReplyFromTheFirstFilterSkipsTheRestOfTheRequestPath() throws Exception {
        try (TestProxy p = TestProxy.start(TestProxy.config("c-all", "seed"))) {
            HttpResponse<String> r = p.get("/local");
            assertThat(r.statusCode()).isEqualTo(403);
            // The local reply still runs the response path of every filter, as Envoy's does.
            assertThat(r.headers().firstValue("hello")).hasValue("world");
            assertThat(r.headers().firstValue("x-c-all-response")).hasValue("yes");
        }
    }
}
