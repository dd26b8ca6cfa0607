package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.proxy.config.ProxyConfig;
import dev.wasmesh.proxy.config.WasmServiceConfig;
import dev.wasmesh.proxy.envoy.EnvoyConfigLoader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our own configurations in the shapes of the Go SDK's example configurations (src/test/resources/envoy), run
 * unchanged but for file paths and free ports, with our filters: they start, and requests go through them as they
 * would through Envoy.
 */
class GoSdkShapedConfigsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final Map<String, Integer> ports = new HashMap<>();

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private ProxyConfig load(String name, Map<String, String> files) throws Exception {
        String yaml = Files.readString(
                Path.of(GoSdkShapedConfigsTest.class
                        .getResource("/envoy/" + name)
                        .toURI()),
                StandardCharsets.UTF_8);
        for (String p : new String[] {"MAIN_PORT", "REPLY_PORT", "ADMIN_PORT", "TCP_PORT"}) {
            ports.put(p, freePort());
            yaml = yaml.replace("@" + p + "@", Integer.toString(ports.get(p)));
        }
        for (Map.Entry<String, String> f : files.entrySet()) {
            yaml = yaml.replace("@" + f.getKey() + "@", f.getValue());
        }
        return EnvoyConfigLoader.parse(yaml, dir, LogLevel.INFO).workers(2);
    }

    private HttpResponse<String> get(TestProxy p, String port, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(port) + path))
                .timeout(WAIT);
        if (headers.length > 0) {
            b.headers(headers);
        }
        return p.client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void twoListenersWithLegacyNamesATypedStructAndADirectResponseUpstream() throws Exception {
        ProxyConfig c = load(
                "hello-two-listeners.yaml",
                Map.of("GO_FILTER", TestProxy.wasm("go").toString()));
        assertThat(c.notices()).anyMatch(n -> n.contains("admin.access_log_path"));
        try (TestProxy p = TestProxy.startAsConfigured(c)) {
            HttpResponse<String> r = get(p, "MAIN_PORT", "/");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("reply from the second listener\n");
            assertThat(r.headers().firstValue("x-go")).hasValue("yes");
            assertThat(get(p, "ADMIN_PORT", "/ready").body()).isEqualTo("LIVE\n");
        }
    }

    @Test
    void singletonServicesReceiveTheQueueAndATcpListenerFeedsTheHttpOne() throws Exception {
        Path tcp = Fixtures.compile(dir, "tcp-filter");
        ProxyConfig c = load(
                "queues-services-tcp.yaml",
                Map.of("C_ALL_FILTER", TestProxy.wasm("c-all").toString(), "TCP_FILTER", tcp.toString()));
        assertThat(c.services()).hasSize(2).allMatch(WasmServiceConfig::singleton);
        try (TestProxy p = TestProxy.startAsConfigured(c)) {
            HttpResponse<String> r = get(p, "MAIN_PORT", "/queue", "x-value", "hello services");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(p.awaitOutput("wasm receiver_2: queue: hello services", WAIT))
                    .as(p.stderr())
                    .isTrue();
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), ports.get("TCP_PORT"))) {
                s.setSoTimeout((int) WAIT.toMillis());
                s.getOutputStream()
                        .write("get / http/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertThat(answer).startsWith("http/1.1 200 ok\r\n").endsWith("queued\n");
            }
        }
    }
}
