package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.host.FailurePolicy;
import dev.wasmesh.host.PluginConfig;
import dev.wasmesh.proxy.config.FilterConfig;
import dev.wasmesh.proxy.config.ProxyConfig;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One VM per (VM key, worker), as in Envoy: the per-vm-state fixture counts requests in a wasm global (per VM) and
 * reports shared data (per process). The listener deals connections to the two workers in turn.
 */
class WorkerVmTest {
    @TempDir
    Path dir;

    /** Sends one request on {@code client}'s connection; returns "VM-COUNT SHARED" from the response headers. */
    private static String send(TestProxy p, HttpClient client, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(p.uri(path)).timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            b.headers(headers);
        }
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.headers().firstValue("x-vm-requests").orElse("-") + " "
                + r.headers().firstValue("x-shared").orElse("-");
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @Test
    void eachWorkerCountsInItsOwnVmAndSharedDataSpansThem() throws Exception {
        Path filter = Fixtures.compile(dir, "per-vm-state");
        ProxyConfig c = new ProxyConfig()
                .workers(2)
                .addFilter(FilterConfig.at(
                        filter.toString(),
                        null,
                        PluginConfig.builder().name("state").build()));
        try (TestProxy p = TestProxy.start(c)) {
            HttpClient a = client();
            HttpClient b = client();
            assertThat(send(p, a, "/a1", "x-put", "from-a")).isEqualTo("1 from-a");
            // b's connection is on the other worker: its VM has counted nothing yet, but sees a's shared data.
            assertThat(send(p, b, "/b1")).isEqualTo("1 from-a");
            assertThat(send(p, a, "/a2")).isEqualTo("2 from-a");
            assertThat(send(p, b, "/b2", "x-put", "from-b")).isEqualTo("2 from-b");
            assertThat(send(p, a, "/a3")).isEqualTo("3 from-b");
            // A third connection is back on a's worker, so on a's VM: the VM is per worker, not per connection.
            assertThat(send(p, client(), "/c1")).isEqualTo("4 from-b");
            assertThat(p.server.stats().counter("http.ingress_http.downstream_cx_total"))
                    .isEqualTo(3);
        }
    }

    private static ProxyConfig twoPlugins(Path filter, String vmA, String vmB, FailurePolicy policy) {
        ProxyConfig c = new ProxyConfig().workers(1);
        for (String[] p : new String[][] {{"a", vmA, "armed"}, {"b", vmB, ""}}) {
            c.addFilter(FilterConfig.at(
                    filter.toString(),
                    null,
                    PluginConfig.builder()
                            .name(p[0])
                            .vmId(p[1])
                            .pluginConfiguration(p[2])
                            .failurePolicy(policy)
                            .build()));
        }
        return c;
    }

    /**
     * Two plugins with the same code and vm_id share the worker's VM, as in Envoy: both count in one wasm global, so
     * each response counts twice; with different vm ids each plugin has a VM of its own.
     */
    @Test
    void pluginsWithTheSameCodeAndVmIdShareOneVm() throws Exception {
        Path filter = Fixtures.compile(dir, "per-vm-state");
        try (TestProxy p = TestProxy.start(twoPlugins(filter, "shared", "shared", FailurePolicy.FAIL_CLOSED))) {
            HttpClient a = client();
            assertThat(send(p, a, "/1")).isEqualTo("2 -");
            assertThat(send(p, a, "/2")).isEqualTo("4 -");
        }
        try (TestProxy p = TestProxy.start(twoPlugins(filter, "one", "two", FailurePolicy.FAIL_CLOSED))) {
            HttpClient a = client();
            assertThat(send(p, a, "/1")).isEqualTo("1 -");
            assertThat(send(p, a, "/2")).isEqualTo("2 -");
        }
    }

    /**
     * A trap in one plugin fails the VM it shares: the other plugin is down with it. Only plugin a is armed to trap;
     * on separate VMs b goes on.
     */
    @Test
    void pluginsOnOneVmFailTogether() throws Exception {
        Path filter = Fixtures.compile(dir, "trap-when-armed");
        try (TestProxy p = TestProxy.start(twoPlugins(filter, "shared", "shared", FailurePolicy.FAIL_OPEN))) {
            assertThat(p.get("/trap", "x-trap", "1").statusCode()).isEqualTo(200);
            assertThat(p.server.stats().counter("wasm.a.vm_failed")).isEqualTo(1);
            assertThat(p.server.stats().counter("wasm.b.vm_failed")).isEqualTo(1);
        }
        try (TestProxy p = TestProxy.start(twoPlugins(filter, "one", "two", FailurePolicy.FAIL_OPEN))) {
            assertThat(p.get("/trap", "x-trap", "1").statusCode()).isEqualTo(200);
            assertThat(p.server.stats().counter("wasm.a.vm_failed")).isEqualTo(1);
            assertThat(p.server.stats().counter("wasm.b.vm_failed")).isEqualTo(0);
        }
    }
}
