package dev.wasmesh.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wasmesh.host.FailurePolicy;
import dev.wasmesh.host.WasmFailureException;
import dev.wasmesh.host.stream.Action;
import dev.wasmesh.testsupport.Examples;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Chains of filters and plugins sharing a VM, through the harness (the proxy's own filter manager). */
class ChainHarnessTest {
    private static Map<String, String> request(String path, String... extra) {
        Map<String, String> h =
                new LinkedHashMap<>(Map.of(":method", "GET", ":path", path, ":authority", "example.com"));
        for (int i = 0; i < extra.length; i += 2) {
            h.put(extra[i], extra[i + 1]);
        }
        return h;
    }

    /** Two plugins of c-all (root ids a and b), with the given vm ids. */
    private static ProxyWasmHarness twoCAll(String vmA, String vmB) {
        return ProxyWasmHarness.load(Examples.wasm("c-all"))
                .rootId("a")
                .vmId(vmA)
                .then(Examples.wasm("c-all"))
                .rootId("b")
                .vmId(vmB)
                .start();
    }

    @Test
    void pluginsWithTheSameCodeAndVmIdShareOneVm() {
        try (ProxyWasmHarness h = twoCAll("shared", "shared")) {
            assertThat(h.rootContext(1).vm()).isSameAs(h.rootContext(0).vm());
            assertThat(h.rootContext(0).id()).isEqualTo(1);
            assertThat(h.rootContext(1).id()).isEqualTo(2);
        }
        try (ProxyWasmHarness h = twoCAll("one", "two")) {
            assertThat(h.rootContext(1).vm()).isNotSameAs(h.rootContext(0).vm());
            assertThat(h.rootContext(1).id()).isEqualTo(1);
        }
    }

    @Test
    void theRequestRunsInOrderAndTheResponseInReverse() {
        try (ProxyWasmHarness h = twoCAll("", "")) {
            HttpStream s = h.newHttpStream();
            assertThat(s.sendRequestHeaders(request("/chain"), true)).isEqualTo(Action.CONTINUE);
            assertThat(s.forwardedRequestHeaders().orElseThrow().all("x-c-all-root-id"))
                    .containsExactly("a", "b");
            s.sendResponseHeaders(Map.of(":status", "200", "x-powered-by", "test"), true);
            assertThat(s.forwardedResponseHeaders().orElseThrow().all("x-c-all-response"))
                    .containsExactly("yes", "yes");
        }
    }

    @Test
    void aFilterPausedOnHeadersHoldsTheFiltersAfterItAndTheBody() {
        try (ProxyWasmHarness h = twoCAll("", "")) {
            HttpStream s = h.newHttpStream();
            assertThat(s.sendRequestHeaders(request("/callout", "x-buffer", "yes"), false))
                    .isEqualTo(Action.PAUSE);
            // Only the first filter has seen the headers, and the body waits in front of it.
            assertThat(s.requestHeaders().all("x-c-all-root-id")).containsExactly("a");
            assertThat(s.sendRequestBody("abc", true)).isEqualTo(Action.PAUSE);
            assertThat(s.requestBody()).isEmpty();
            assertThat(s.forwardedRequestHeaders()).isEmpty();

            h.nextHttpCall().respond(200, Map.of(), "pong");

            // The first filter's call-out came back: the headers went on to b, which calls out too.
            assertThat(s.requestHeaders().all("x-c-all-root-id")).containsExactly("a", "b");
            assertThat(s.forwardedRequestHeaders()).isEmpty();
            assertThat(s.requestBody()).isEmpty();
            h.nextHttpCall().respond(200, Map.of(), "pong");
            assertThat(s.forwardedRequestHeaders().orElseThrow().all("x-c-all-root-id"))
                    .containsExactly("a", "b");
            // Each filter upper-cases the buffered body in turn.
            assertThat(s.forwardedRequestBody()).isEqualTo("ABC");
            assertThat(s.requestAction()).isEqualTo(Action.CONTINUE);
        }
    }

    @Test
    void aFailedFilterIsSkippedUnderFailOpenAndAnswers503UnderFailClosed() {
        for (FailurePolicy policy : new FailurePolicy[] {FailurePolicy.FAIL_OPEN, FailurePolicy.FAIL_CLOSED}) {
            try (ProxyWasmHarness h = ProxyWasmHarness.load(Examples.wasm("go"))
                    .failurePolicy(policy)
                    .then(Examples.wasm("seed"))
                    .start()) {
                HttpStream s = h.newHttpStream();
                assertThatThrownBy(() -> s.sendRequestHeaders(request("/panic"), true))
                        .isInstanceOf(WasmFailureException.class);
                if (policy == FailurePolicy.FAIL_OPEN) {
                    assertThat(s.forwardedRequestHeaders()).isPresent();
                    s.sendResponseHeaders(Map.of(":status", "200"), true);
                    assertThat(s.forwardedResponseHeaders().orElseThrow().first("hello"))
                            .isEqualTo("world");
                } else {
                    assertThat(s.forwardedRequestHeaders()).isEmpty();
                    assertThat(s.forwardedResponseHeaders().orElseThrow().first(":status"))
                            .isEqualTo("503");
                    // Bypassing the filters: the seed filter did not add its header.
                    assertThat(s.forwardedResponseHeaders().orElseThrow().contains("hello"))
                            .isFalse();
                }
            }
        }
    }
}
