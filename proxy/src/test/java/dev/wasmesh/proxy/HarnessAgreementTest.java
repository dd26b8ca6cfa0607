package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wasmesh.host.PluginConfig;
import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.proxy.config.ProxyConfig;
import dev.wasmesh.testing.HarnessBuilder;
import dev.wasmesh.testing.HttpStream;
import dev.wasmesh.testing.ProxyWasmHarness;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The harness and {@code wasmesh run} share one filter manager: the same chain of filters, given the same request,
 * must do the same in both. Each case runs a chain through the harness and through the proxy (real HTTP over
 * loopback to the built-in echo upstream, which answers with what it received) and compares.
 */
class HarnessAgreementTest {
    /** Two plugins of the same module (root ids a and b), then the seed filter. */
    private static final List<String> CHAIN = List.of("c-all:a", "c-all:b", "seed");

    @Test
    void bothFiltersBufferTheRequestBodyInTurnAndBothAnswerOnTheResponse() throws Exception {
        try (ProxyWasmHarness h = harness(CHAIN);
                TestProxy p = proxy(CHAIN)) {
            HttpStream s = h.newHttpStream();
            s.sendRequestHeaders(request("POST", "/chain", "x-buffer", "yes"), false);
            s.sendRequestBody("hello body", true);
            HeaderMap upstream = s.forwardedRequestHeaders().orElseThrow();
            s.sendResponseHeaders(Map.of(":status", "200", "content-type", "application/json"), true);

            HttpResponse<String> r = p.post("/chain", "hello body", "x-buffer", "yes");

            // The request as the upstream saw it: each filter added its root id, in chain order.
            assertThat(upstream.all("x-c-all-root-id")).containsExactly("a", "b");
            assertThat(r.body())
                    .contains("\"x-c-all-root-id\":\"" + String.join(", ", upstream.all("x-c-all-root-id")));
            assertThat(s.forwardedRequestBody()).isEqualTo("HELLO BODY");
            assertThat(r.body()).contains("\"body\":\"" + s.forwardedRequestBody() + "\"");
            // The response through the filters in reverse order.
            HeaderMap down = s.forwardedResponseHeaders().orElseThrow();
            assertThat(r.statusCode()).isEqualTo(Integer.parseInt(down.first(":status")));
            assertThat(r.headers().allValues("x-c-all-response")).isEqualTo(down.all("x-c-all-response"));
            assertThat(down.all("x-c-all-response")).containsExactly("yes", "yes");
            assertThat(r.headers().allValues("hello")).isEqualTo(down.all("hello"));
        }
    }

    @Test
    void aLocalReplyFromTheFirstFilterStillRunsEveryResponseFilter() throws Exception {
        try (ProxyWasmHarness h = harness(CHAIN);
                TestProxy p = proxy(CHAIN)) {
            HttpStream s = h.newHttpStream();
            s.sendRequestHeaders(request("GET", "/local"), true);

            HttpResponse<String> r = p.get("/local");

            assertThat(s.forwardedRequestHeaders()).isEmpty();
            HeaderMap down = s.forwardedResponseHeaders().orElseThrow();
            assertThat(down.first(":status")).isEqualTo("403");
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(r.body()).isEqualTo(s.forwardedResponseBody()).isEqualTo("denied by c-all");
            for (String name : List.of("hello", "x-c-all", "x-c-all-response", "content-type")) {
                assertThat(r.headers().allValues(name)).as(name).isEqualTo(down.all(name));
            }
            assertThat(down.all("x-c-all-response")).containsExactly("yes", "yes");
        }
    }

    @Test
    void aCloseFromTheSecondFilterResetsTheStream() throws Exception {
        List<String> chain = List.of("seed", "c-all:b");
        try (ProxyWasmHarness h = harness(chain);
                TestProxy p = proxy(chain)) {
            HttpStream s = h.newHttpStream();
            s.sendRequestHeaders(request("GET", "/close"), true);

            assertThat(s.resetDetails()).hasValue("wasm_close_stream");
            assertThat(s.forwardedResponseHeaders()).isEmpty();
            assertThatThrownBy(() -> p.get("/close")).isInstanceOf(IOException.class);
        }
    }

    private static ProxyWasmHarness harness(List<String> chain) {
        HarnessBuilder b = null;
        for (String f : chain) {
            String[] parts = f.split(":");
            b = b == null ? ProxyWasmHarness.load(TestProxy.wasm(parts[0])) : b.then(TestProxy.wasm(parts[0]));
            b.rootId(parts.length > 1 ? parts[1] : parts[0]).pluginName(f);
        }
        return b.start();
    }

    private static TestProxy proxy(List<String> chain) throws Exception {
        ProxyConfig c = new ProxyConfig().workers(1);
        for (String f : chain) {
            String[] parts = f.split(":");
            c.addFilter(TestProxy.filter(
                    parts[0], PluginConfig.builder().name(f).rootId(parts.length > 1 ? parts[1] : parts[0])));
        }
        return TestProxy.start(c);
    }

    /** The request headers the proxy's codec makes of the HTTP client's request. */
    private static HeaderMap request(String method, String path, String... extra) {
        HeaderMap h = new HeaderMap();
        h.add(":method", method);
        h.add(":path", path);
        h.add(":authority", "127.0.0.1");
        h.add(":scheme", "http");
        for (int i = 0; i < extra.length; i += 2) {
            h.add(extra[i], extra[i + 1]);
        }
        return h;
    }
}
