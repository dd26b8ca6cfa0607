package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.host.PluginConfig;
import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.host.stream.Metadata;
import dev.wasmesh.proxy.config.Endpoint;
import dev.wasmesh.proxy.config.FilterConfig;
import dev.wasmesh.proxy.config.Limits;
import dev.wasmesh.proxy.config.ListenerConfig;
import dev.wasmesh.proxy.config.ListenerInfo;
import dev.wasmesh.proxy.config.ProxyConfig;
import dev.wasmesh.proxy.config.RouteConfig;
import dev.wasmesh.proxy.config.WasmServiceConfig;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wasm services (Envoy's bootstrap_extensions): plugins with a root context and no stream. The c-all example
 * registers the shared queue c_all_queue on configure, logs what it dequeues, and ticks once a second.
 */
class WasmServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private static FilterConfig cAll(String name, String vmId) {
        return TestProxy.filter(
                "c-all",
                PluginConfig.builder()
                        .name(name)
                        .rootId("c_all_root")
                        .vmId(vmId)
                        .logLevel(LogLevel.INFO));
    }

    /**
     * A singleton service runs on the main thread: it ticks there, and as the last plugin to register the queue it is
     * the one the HTTP filters' messages reach.
     */
    @Test
    void aSingletonServiceRunsTimersAndReceivesQueueMessagesFromEveryWorker() throws Exception {
        ProxyConfig c = new ProxyConfig()
                .workers(2)
                .addFilter(cAll("http", "queue-vm"))
                .addService(new WasmServiceConfig(cAll("svc", "queue-vm"), true));
        try (TestProxy p = TestProxy.start(c)) {
            assertThat(p.awaitOutput("wasm svc: tick 1", WAIT)).as(p.stderr()).isTrue();
            for (int i = 0; i < 4; i++) {
                HttpResponse<String> r = p.get("/queue", "x-value", "message-" + i);
                assertThat(r.statusCode()).isEqualTo(200);
            }
            for (int i = 0; i < 4; i++) {
                assertThat(p.awaitOutput("wasm svc: queue: message-" + i, WAIT))
                        .as(p.stderr())
                        .isTrue();
            }
            assertThat(p.stderr()).doesNotContain("wasm http: queue:");
        }
    }

    /**
     * A per-worker service with the VM key of a worker's HTTP filter runs in that filter's VM: the configure-count
     * fixture counts the plugins configured in its VM; with another vm_id the service gets a VM of its own.
     */
    @Test
    void aPerWorkerServiceSharesTheVmOfFiltersWithItsKey() throws Exception {
        Path filter = Fixtures.compile(dir, "configure-count");
        assertThat(configuredInTheFiltersVm(filter, "one", "one")).isEqualTo("2");
        assertThat(configuredInTheFiltersVm(filter, "one", "two")).isEqualTo("1");
    }

    private static String configuredInTheFiltersVm(Path filter, String filterVm, String serviceVm) throws Exception {
        ProxyConfig c = new ProxyConfig()
                .workers(1)
                .addFilter(FilterConfig.at(
                        filter.toString(),
                        null,
                        PluginConfig.builder().name("http").vmId(filterVm).build()))
                .addService(new WasmServiceConfig(
                        FilterConfig.at(
                                filter.toString(),
                                null,
                                PluginConfig.builder()
                                        .name("svc")
                                        .vmId(serviceVm)
                                        .build()),
                        false));
        try (TestProxy p = TestProxy.start(c)) {
            HttpResponse<String> r = p.get("/");
            assertThat(r.statusCode()).isEqualTo(200);
            return r.headers().firstValue("x-configured").orElse("-");
        }
    }

    /** Plugins of two listeners with the same VM key share one VM per worker, as Envoy shares it across listeners. */
    @Test
    void pluginsOfTwoListenersWithOneKeyShareTheVm() throws Exception {
        Path filter = Fixtures.compile(dir, "configure-count");
        int second;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            second = s.getLocalPort();
        }
        ProxyConfig c = new ProxyConfig()
                .workers(1)
                .addFilter(FilterConfig.at(
                        filter.toString(),
                        null,
                        PluginConfig.builder().name("first").vmId("shared").build()));
        c.addListener(new ListenerConfig(
                "second",
                new Endpoint("127.0.0.1", second),
                "second_http",
                Limits.DEFAULT,
                List.of(FilterConfig.at(
                        filter.toString(),
                        null,
                        PluginConfig.builder().name("second").vmId("shared").build())),
                List.of(new RouteConfig(
                        "direct",
                        List.of(),
                        "/",
                        null,
                        List.of(),
                        null,
                        Duration.ZERO,
                        Metadata.EMPTY,
                        "",
                        Metadata.EMPTY,
                        new RouteConfig.DirectResponse(200, ""))),
                ListenerInfo.NONE));
        try (TestProxy p = TestProxy.start(c)) {
            assertThat(p.get("/").headers().firstValue("x-configured")).hasValue("2");
            HttpResponse<String> r = p.client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + second + "/"))
                            .timeout(WAIT)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.headers().firstValue("x-configured")).hasValue("2");
        }
    }
}
