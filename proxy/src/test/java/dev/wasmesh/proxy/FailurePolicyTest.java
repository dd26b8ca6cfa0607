package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wasmesh.host.FailurePolicy;
import dev.wasmesh.host.PluginConfig;
import dev.wasmesh.proxy.config.FilterConfig;
import dev.wasmesh.proxy.config.ProxyConfig;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A filter that traps, under each failure policy, in front of the seed filter. */
class FailurePolicyTest {
    @TempDir
    Path dir;

    private TestProxy proxy(FailurePolicy policy) throws Exception {
        Path trap = Fixtures.trapFilter(dir, false);
        ProxyConfig c = new ProxyConfig()
                .workers(1)
                .addFilter(FilterConfig.at(
                        trap.toString(),
                        null,
                        PluginConfig.builder()
                                .name("trap")
                                .failurePolicy(policy)
                                .build()))
                .addFilter(TestProxy.filter("seed", PluginConfig.builder().name("seed")));
        return TestProxy.start(c);
    }

    @Test
    void failClosedAnswers503FromThenOn() throws Exception {
        try (TestProxy p = proxy(FailurePolicy.FAIL_CLOSED)) {
            assertThat(p.get("/ok").statusCode()).isEqualTo(200);
            HttpResponse<String> trapped = p.get("/boom", "x-trap", "1");
            assertThat(trapped.statusCode()).isEqualTo(503);
            assertThat(p.get("/after").statusCode()).isEqualTo(503);
            assertThat(p.awaitOutput("wasm_fail_stream", Duration.ofSeconds(5))).isTrue();
            assertThat(p.stderr()).contains("filter trap failed").contains("proxy_on_request_headers");
        }
    }

    @Test
    void failOpenSkipsTheFailedFilter() throws Exception {
        try (TestProxy p = proxy(FailurePolicy.FAIL_OPEN)) {
            HttpResponse<String> trapped = p.get("/boom", "x-trap", "1");
            assertThat(trapped.statusCode()).isEqualTo(200);
            assertThat(trapped.headers().firstValue("hello")).hasValue("world");
            HttpResponse<String> after = p.get("/after", "x-trap", "1");
            assertThat(after.statusCode()).isEqualTo(200);
            assertThat(after.headers().firstValue("hello")).hasValue("world");
        }
    }

    @Test
    void failReloadRecreatesTheVmAfterABackoff() throws Exception {
        try (TestProxy p = proxy(FailurePolicy.FAIL_RELOAD)) {
            assertThat(p.get("/boom", "x-trap", "1").statusCode()).isEqualTo(503);
            assertThat(p.awaitOutput("filter trap reloaded", Duration.ofSeconds(15)))
                    .isTrue();
            HttpResponse<String> after = p.get("/after");
            assertThat(after.statusCode()).isEqualTo(200);
            assertThat(after.headers().firstValue("hello")).hasValue("world");
            assertThat(p.server.stats().counter("wasm.trap.vm_reloaded")).isEqualTo(1);
        }
    }

    @Test
    void failReloadBacksOffFurtherWhenTheReloadedVmFailsAgainSoon() throws Exception {
        try (TestProxy p = proxy(FailurePolicy.FAIL_RELOAD)) {
            assertThat(p.get("/boom", "x-trap", "1").statusCode()).isEqualTo(503);
            assertThat(p.stderr()).contains("reloading in 1000 ms");
            assertThat(p.awaitOutput("filter trap reloaded", Duration.ofSeconds(15)))
                    .isTrue();
            // A filter that fails on every request must not get a fresh VM every second: the backoff doubles.
            assertThat(p.get("/boom", "x-trap", "1").statusCode()).isEqualTo(503);
            assertThat(p.awaitOutput("reloading in 2000 ms", Duration.ofSeconds(5)))
                    .as(p.stderr())
                    .isTrue();
            assertThat(p.get("/while-failed").statusCode()).isEqualTo(503);
            assertThat(p.server.stats().counter("wasm.trap.vm_failed")).isEqualTo(2);
        }
    }

    @Test
    void aFilterThatFailsToStartIsRefusedWithAReason() throws Exception {
        Path bad = Fixtures.trapFilter(dir, true);
        ProxyConfig c = new ProxyConfig()
                .workers(1)
                .addFilter(FilterConfig.at(
                        bad.toString(), null, PluginConfig.builder().name("bad").build()));
        assertThatThrownBy(() -> TestProxy.start(c))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("proxy_on_vm_start returned false");
    }
}
