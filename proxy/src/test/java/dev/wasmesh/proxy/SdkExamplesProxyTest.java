package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.host.PluginConfig;
import dev.wasmesh.proxy.config.ClusterConfig;
import dev.wasmesh.proxy.config.Endpoint;
import dev.wasmesh.proxy.config.ProxyConfig;
import dev.wasmesh.proxy.config.RouteConfig;
import dev.wasmesh.proxy.transport.Transport;
import dev.wasmesh.proxy.upstream.EchoServer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * examples/go (the official Go SDK on Go's wasip1 port) and examples/rust-sdk (the proxy-wasm crate) through the
 * proxy, with two workers, against real local servers: the Go runtime sleeps on the real clock here.
 */
class SdkExamplesProxyTest {
    static MultiThreadIoEventLoopGroup group;
    static EchoServer echo;
    static TestUpstream backend;
    static TestProxy go;
    static TestProxy rust;

    @BeforeAll
    static void start() throws Exception {
        group = Transport.group(1);
        echo = EchoServer.start(new Endpoint("127.0.0.1", 0), group);
        backend = new TestUpstream("backend");
        // A generous deadline: a Go collection is slow before the JIT has warmed up, and speed is not tested here.
        go = TestProxy.start(config("go", "go_root", Duration.ofSeconds(30)));
        rust = TestProxy.start(config(
                "rust-sdk", "rust_sdk_root", PluginConfig.builder().build().callbackDeadline()));
    }

    private static ProxyConfig config(String example, String rootId, Duration deadline) {
        return new ProxyConfig()
                .workers(2)
                .addFilter(TestProxy.filter(
                        example,
                        PluginConfig.builder().name(example).rootId(rootId).callbackDeadline(deadline)))
                .addCluster(ClusterConfig.fromUrl("echo", "http://" + echo.address()))
                .addCluster(ClusterConfig.fromUrl("backend", backend.url()))
                .addRoute(new RouteConfig(
                        "special",
                        List.of(),
                        "/buffered-response",
                        null,
                        List.of(),
                        "backend",
                        RouteConfig.DEFAULT_TIMEOUT))
                .addRoute(RouteConfig.catchAll("echo"));
    }

    @AfterAll
    static void stop() {
        go.close();
        rust.close();
        backend.close();
        echo.close();
        group.shutdownGracefully();
    }

    @Test
    void goSetsHeadersAndCountsRequests() throws Exception {
        HttpResponse<String> r = go.get("/metric?q=1");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("hello")).hasValue("world");
        assertThat(r.headers().firstValue("x-go")).hasValue("yes");
        assertThat(r.body()).contains("\"x-go-path\":\"/metric?q=1\"").containsPattern("\"x-go-requests\":\"\\d+\"");
    }

    @Test
    void goCalloutBodiesAndLocalReply() throws Exception {
        HttpResponse<String> callout = go.get("/callout");
        assertThat(callout.body())
                .contains("\"x-go-callout-status\":\"200\"")
                .contains("\"x-go-callout-body\":\"backend-says-hi\"");
        HttpResponse<String> upper = go.post("/upper", "hello body", "x-buffer", "yes");
        assertThat(upper.body()).contains("\"body\":\"HELLO BODY\"").contains("\"content-length\":\"10\"");
        assertThat(go.get("/buffered-response").body()).isEqualTo("[go]upstream body");
        HttpResponse<String> local = go.get("/local");
        assertThat(local.statusCode()).isEqualTo(403);
        assertThat(local.body()).isEqualTo("denied by go");
    }

    @Test
    void goSharedDataAndTicksAcrossWorkers() throws Exception {
        assertThat(go.get("/shared", "x-value", "v1").body()).contains("\"x-go-shared\":\"v1\"");
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String ticks = "0";
        while (ticks.equals("0") && System.nanoTime() < end) {
            Thread.sleep(200);
            String body = go.get("/ticks").body();
            ticks = body.replaceAll("(?s).*\"x-go-ticks\":\"(\\d+)\".*", "$1");
        }
        assertThat(Integer.parseInt(ticks)).isPositive();
        assertThat(go.stdout() + go.stderr()).contains("go: tick 1");
    }

    @Test
    void goSleepsGoroutinesRandomnessAndAllocationOnTheRealClock() throws Exception {
        String slept = go.get("/sleep").body().replaceAll("(?s).*\"x-go-slept-ms\":\"(\\d+)\".*", "$1");
        assertThat(Integer.parseInt(slept)).isGreaterThanOrEqualTo(50);
        for (int i = 0; i < 3; i++) {
            assertThat(go.get("/goroutines").body()).contains("\"x-go-goroutines\":\"5050\"");
        }
        assertThat(go.get("/random").body()).containsPattern("\"x-go-random\":\"[0-9a-f]{32}\"");
        for (int i = 0; i < 30; i++) {
            HttpResponse<String> r = go.get("/alloc");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"x-go-alloc\":\"2097152\"");
        }
        assertThat(go.stdout() + go.stderr()).as("WASI stdout is an info log").contains("go: stdout hello");
    }

    @Test
    void rustSdkHeadersCalloutBodiesAndLocalReply() throws Exception {
        HttpResponse<String> r = rust.get("/metric");
        assertThat(r.headers().firstValue("x-rust-sdk")).hasValue("yes");
        assertThat(r.headers().firstValue("hello")).hasValue("world");
        assertThat(r.body())
                .contains("\"x-rust-sdk-path\":\"/metric\"")
                .containsPattern("\"x-rust-sdk-requests\":\"\\d+\"");
        assertThat(rust.get("/callout").body())
                .contains("\"x-rust-sdk-callout-status\":\"200\"")
                .contains("\"x-rust-sdk-callout-body\":\"backend-says-hi\"");
        assertThat(rust.post("/upper", "hello rust", "x-buffer", "yes").body()).contains("\"body\":\"HELLO RUST\"");
        assertThat(rust.get("/buffered-response").body()).isEqualTo("[rust-sdk]upstream body");
        assertThat(rust.get("/shared", "x-value", "v2").body()).contains("\"x-rust-sdk-shared\":\"v2\"");
        HttpResponse<String> local = rust.get("/local");
        assertThat(local.statusCode()).isEqualTo(403);
        assertThat(local.body()).isEqualTo("denied by rust-sdk");
    }
}
