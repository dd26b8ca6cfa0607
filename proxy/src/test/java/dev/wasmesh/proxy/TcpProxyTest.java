package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.host.FailurePolicy;
import dev.wasmesh.host.PluginConfig;
import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.host.abi.PeerType;
import dev.wasmesh.host.stream.Action;
import dev.wasmesh.proxy.config.ClusterConfig;
import dev.wasmesh.proxy.config.Endpoint;
import dev.wasmesh.proxy.config.FilterConfig;
import dev.wasmesh.proxy.config.Limits;
import dev.wasmesh.proxy.config.ProxyConfig;
import dev.wasmesh.proxy.config.TcpProxyConfig;
import dev.wasmesh.proxy.stats.ProxyStats;
import dev.wasmesh.testing.ProxyWasmHarness;
import dev.wasmesh.testing.TcpStream;
import dev.wasmesh.testsupport.Wat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Network wasm filters before tcp_proxy, over real TCP on loopback with the tcp-filter fixture: it upper-cases
 * downstream data and lower-cases upstream data, so what the echo upstream received and what the client reads
 * back show both directions went through the filter.
 */
class TcpProxyTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private Path filter;
    private TcpEchoUpstream upstream;

    @BeforeEach
    void setUp() throws IOException {
        filter = Fixtures.compile(dir, "tcp-filter");
        upstream = new TcpEchoUpstream();
    }

    @AfterEach
    void tearDown() throws IOException {
        upstream.close();
    }

    private FilterConfig networkFilter(String mode, FailurePolicy policy) {
        return FilterConfig.at(
                filter.toString(),
                null,
                PluginConfig.builder()
                        .name("net")
                        .pluginConfiguration(mode)
                        .failurePolicy(policy)
                        .logLevel(LogLevel.INFO)
                        .build());
    }

    /** One worker, a TCP listener on an ephemeral port with {@code filters} then tcp_proxy to {@code cluster}. */
    private static ProxyConfig config(ClusterConfig cluster, FilterConfig... filters) {
        return new ProxyConfig()
                .workers(1)
                .admin(null)
                .addCluster(cluster)
                .addTcpListener(
                        new TcpProxyConfig(new Endpoint("127.0.0.1", 0), List.of(filters), cluster.name(), "tcp_test"));
    }

    private ClusterConfig echoCluster() {
        return new ClusterConfig("echo", List.of(upstream.address()), Duration.ofSeconds(5));
    }

    private static Socket connect(TestProxy p) throws IOException {
        Endpoint ep = p.server.tcpListenAddresses().get(0);
        Socket s = new Socket();
        s.connect(new InetSocketAddress(ep.host(), ep.port()), 5000);
        s.setSoTimeout((int) WAIT.toMillis());
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
    }

    private static String read(Socket s, int n) throws IOException {
        byte[] b = s.getInputStream().readNBytes(n);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Everything until the proxy ends the connection (a reset counts as the end). */
    private static String readToEnd(Socket s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] b = new byte[4096];
        try {
            int n;
            while ((n = in.read(b)) >= 0) {
                out.write(b, 0, n);
            }
        } catch (SocketException e) {
            // reset
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The filter's own log lines about connections, in order. */
    private static List<String> events(TestProxy p) {
        return p.stderr()
                .lines()
                .map(l -> l.replaceAll(".*\\b(new|downstream_close \\d|upstream_close \\d|done)$", "$1"))
                .filter(l -> l.matches("new|downstream_close \\d|upstream_close \\d|done"))
                .toList();
    }

    private static void awaitEvents(TestProxy p, int count) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (events(p).size() < count && System.nanoTime() < end) {
            Thread.sleep(10);
        }
    }

    @Test
    void dataIsRewrittenBothWaysAndHalfClosesPassThrough() throws Exception {
        try (TestProxy p = TestProxy.start(config(echoCluster(), networkFilter("t", FailurePolicy.FAIL_CLOSED)));
                Socket s = connect(p)) {
            send(s, "hello, ");
            assertThat(read(s, 7)).isEqualTo("hello, ");
            send(s, "World");
            assertThat(read(s, 5)).isEqualTo("world");
            s.shutdownOutput();
            // The client's half-close reaches the upstream, whose own half-close comes back as the end.
            assertThat(readToEnd(s)).isEmpty();
            assertThat(upstream.connection(0).awaitAll()).isEqualTo("HELLO, WORLD");
            awaitEvents(p, 4);
            // Upstream end_of_stream is followed by proxy_on_upstream_connection_close(UNKNOWN); the proxy closes
            // the downstream connection once both halves are done (LOCAL), then the context ends.
            assertThat(events(p)).containsExactly("new", "upstream_close 0", "downstream_close 1", "done");
            ProxyStats st = p.server.stats();
            assertThat(st.counter("tcp.tcp_test.downstream_cx_total")).isEqualTo(1);
            assertThat(st.counter("tcp.tcp_test.downstream_cx_rx_bytes_total")).isEqualTo(12);
            assertThat(st.counter("tcp.tcp_test.downstream_cx_tx_bytes_total")).isEqualTo(12);
            assertThat(st.counter("cluster.echo.upstream_cx_total")).isEqualTo(1);
        }
    }

    @Test
    void anUpstreamThatEndsFirstLeavesTheClientHalfOpen() throws Exception {
        try (TcpEchoUpstream greeter = new TcpEchoUpstream("HELLO");
                TestProxy p = TestProxy.start(config(
                        new ClusterConfig("greeter", List.of(greeter.address()), Duration.ofSeconds(5)),
                        networkFilter("t", FailurePolicy.FAIL_CLOSED)));
                Socket s = connect(p)) {
            // The greeting and its end arrive; the client may still send.
            assertThat(readToEnd(s)).isEqualTo("hello");
            send(s, "late");
            s.shutdownOutput();
            assertThat(greeter.connection(0).awaitAll()).isEqualTo("LATE");
            awaitEvents(p, 4);
            // The client ended last: a REMOTE close.
            assertThat(events(p)).containsExactly("new", "upstream_close 0", "downstream_close 2", "done");
        }
    }

    @Test
    void aClientResetIsARemoteClose() throws Exception {
        try (TestProxy p = TestProxy.start(config(echoCluster(), networkFilter("t", FailurePolicy.FAIL_CLOSED)))) {
            try (Socket s = connect(p)) {
                send(s, "bye");
                assertThat(read(s, 3)).isEqualTo("bye");
                s.setSoLinger(true, 0); // close with a reset
            }
            // The upstream connection goes with the downstream one.
            assertThat(upstream.connection(0).awaitAll()).isEqualTo("BYE");
            awaitEvents(p, 3);
            assertThat(events(p)).containsExactly("new", "downstream_close 2", "done");
        }
    }

    @Test
    void connectionPropertiesIncludeTheUpstreamOnceConnected() throws Exception {
        try (TestProxy p = TestProxy.start(config(echoCluster(), networkFilter("p", FailurePolicy.FAIL_CLOSED)));
                Socket s = connect(p)) {
            send(s, "abc");
            assertThat(read(s, 3)).isEqualTo("abc");
            Endpoint listener = p.server.tcpListenAddresses().get(0);
            String log = p.stderr();
            assertThat(log)
                    .contains("wasm net: " + upstream.address())
                    .contains("wasm net: 127.0.0.1:" + s.getLocalPort())
                    .contains("wasm net: " + listener)
                    .contains("wasm net: echo");
        }
    }

    @Test
    void pausedDataIsHeldAndSeenAgainWithTheNextChunk() throws Exception {
        try (TestProxy p = TestProxy.start(config(echoCluster(), networkFilter("h", FailurePolicy.FAIL_CLOSED)));
                Socket s = connect(p)) {
            send(s, "abc");
            TcpEchoUpstream.Connection up = upstream.connection(0);
            Thread.sleep(300); // a negative check: nothing may reach the upstream while the filter holds the data
            assertThat(up.receivedSoFar()).isEmpty();
            send(s, "def!");
            assertThat(read(s, 7)).isEqualTo("abcdef!");
            assertThat(up.receivedSoFar()).isEqualTo("ABCDEF!");
        }
    }

    /** The harness's TcpStream drives a connection as the proxy does: same data, same callbacks in the same order. */
    @Test
    void agreesWithTheHarness() throws Exception {
        List<String> harnessEvents;
        String harnessDownstream;
        String harnessUpstream;
        try (ProxyWasmHarness h = ProxyWasmHarness.load(filter)
                .pluginName("net")
                .pluginConfig("h")
                .logLevel(LogLevel.INFO)
                .start()) {
            TcpStream t = h.newTcpStream();
            assertThat(t.sendDownstreamData("abc", false)).isEqualTo(Action.PAUSE);
            assertThat(t.sendDownstreamData("def!", false)).isEqualTo(Action.CONTINUE);
            t.sendDownstreamData("", true);
            t.sendUpstreamData(t.forwardedDownstream(), true);
            t.closeDownstream(PeerType.LOCAL);
            harnessDownstream = t.forwardedDownstream();
            harnessUpstream = t.forwardedUpstream();
            harnessEvents = h.logs().messages();
        }
        try (TestProxy p = TestProxy.start(config(echoCluster(), networkFilter("h", FailurePolicy.FAIL_CLOSED)));
                Socket s = connect(p)) {
            send(s, "abc");
            Thread.sleep(100);
            send(s, "def!");
            s.shutdownOutput();
            assertThat(readToEnd(s)).isEqualTo(harnessUpstream).isEqualTo("abcdef!");
            assertThat(upstream.connection(0).awaitAll()).isEqualTo(harnessDownstream);
            awaitEvents(p, harnessEvents.size());
            assertThat(events(p)).isEqualTo(harnessEvents);
        }
    }

    @Test
    void continueStreamReleasesHeldDownstreamData() throws Exception {
        try (TestProxy p = TestProxy.start(config(echoCluster(), networkFilter("c", FailurePolicy.FAIL_CLOSED)));
                Socket s = connect(p)) {
            send(s, "abc");
            // Only the root context's tick calls proxy_continue_stream(DOWNSTREAM) for the held data.
            assertThat(read(s, 3)).isEqualTo("abc");
            assertThat(upstream.connection(0).receivedSoFar()).isEqualTo("ABC");
        }
    }

    @Test
    void aConnectionPausedInNewConnectionWaitsForItsContinue() throws Exception {
        try (TestProxy p = TestProxy.start(config(echoCluster(), networkFilter("n", FailurePolicy.FAIL_CLOSED)));
                Socket s = connect(p)) {
            // tcp_proxy comes after the filter: the upstream connection is made once the tick continues it.
            send(s, "abc");
            assertThat(read(s, 3)).isEqualTo("abc");
            assertThat(upstream.connection(0).receivedSoFar()).isEqualTo("ABC");
        }
    }

    @Test
    void closeStreamClosesTheDownstreamConnectionAfterTheCallback() throws Exception {
        try (TestProxy p = TestProxy.start(config(echoCluster(), networkFilter("x", FailurePolicy.FAIL_CLOSED)));
                Socket s = connect(p)) {
            send(s, "abc");
            assertThat(readToEnd(s)).isEmpty();
            // The connection was closing when the callback returned, so tcp_proxy never got the data.
            assertThat(upstream.connection(0).awaitAll()).isEmpty();
            awaitEvents(p, 3);
            assertThat(events(p)).containsExactly("new", "downstream_close 1", "done");
        }
    }

    @Test
    void upstreamConnectFailureClosesTheDownstreamConnection() throws Exception {
        int closedPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        ClusterConfig nowhere =
                new ClusterConfig("nowhere", List.of(new Endpoint("127.0.0.1", closedPort)), Duration.ofSeconds(5));
        try (TestProxy p = TestProxy.start(config(nowhere, networkFilter("t", FailurePolicy.FAIL_CLOSED)));
                Socket s = connect(p)) {
            assertThat(readToEnd(s)).isEmpty();
            awaitEvents(p, 3);
            assertThat(events(p)).containsExactly("new", "downstream_close 1", "done");
            assertThat(p.server.stats().counter("cluster.nowhere.upstream_cx_connect_fail"))
                    .isEqualTo(1);
        }
    }

    @Test
    void aFailOpenFilterThatTrapsIsSkipped() throws Exception {
        try (TestProxy p = TestProxy.start(config(echoCluster(), networkFilter("f", FailurePolicy.FAIL_OPEN)))) {
            try (Socket s = connect(p)) {
                send(s, "abc");
                assertThat(read(s, 3)).isEqualTo("abc");
                assertThat(upstream.connection(0).receivedSoFar()).isEqualTo("abc");
            }
            // The VM stays failed: later connections run without the filter.
            try (Socket s = connect(p)) {
                send(s, "def");
                assertThat(read(s, 3)).isEqualTo("def");
            }
            assertThat(p.server.stats().counter("wasm.net.vm_failed")).isEqualTo(1);
        }
    }

    @Test
    void aFailClosedFilterThatTrapsClosesTheConnection() throws Exception {
        try (TestProxy p = TestProxy.start(config(echoCluster(), networkFilter("f", FailurePolicy.FAIL_CLOSED)))) {
            try (Socket s = connect(p)) {
                send(s, "abc");
                assertThat(readToEnd(s)).isEmpty();
            }
            assertThat(upstream.connection(0).awaitAll()).isEmpty();
            // With the VM failed, the next connection is closed when the filter's turn comes, before tcp_proxy.
            try (Socket s = connect(p)) {
                assertThat(readToEnd(s)).isEmpty();
            }
            assertThat(upstream.accepted()).isEqualTo(1);
        }
    }

    @Test
    void manyMegabytesFlowBothWaysWithFlowControl() throws Exception {
        ProxyConfig c = config(echoCluster(), networkFilter("t", FailurePolicy.FAIL_CLOSED))
                .limits(Limits.DEFAULT.withBufferLimitBytes(64 * 1024));
        int size = 16 * 1024 * 1024;
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) ('a' + i % 26);
        }
        try (TestProxy p = TestProxy.start(c);
                Socket s = connect(p)) {
            // The client writes everything while it reads: the proxy must not read faster than each side takes.
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    s.getOutputStream().write(data);
                    s.shutdownOutput();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            // A client that does not read stops the upstream being read, up to the client's own writes.
            long end = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < end
                    && p.server.stats().counter("cluster.echo.upstream_flow_control_paused_reading_total") == 0) {
                Thread.sleep(10);
            }
            assertThat(p.server.stats().counter("cluster.echo.upstream_flow_control_paused_reading_total"))
                    .isPositive();
            byte[] back = s.getInputStream().readAllBytes();
            writer.get(30, TimeUnit.SECONDS);
            assertThat(back).isEqualTo(data);
            assertThat(upstream.connection(0).awaitAll())
                    .hasSize(size)
                    .isEqualTo(new String(data, StandardCharsets.US_ASCII).toUpperCase());
        }
    }

    @Test
    void aReloadedNetworkFilterServesNewConnectionsWhileOpenOnesKeepTheirs() throws Exception {
        ProxyConfig c = config(echoCluster(), networkFilter("t", FailurePolicy.FAIL_CLOSED))
                .watch(true);
        try (TestProxy p = TestProxy.start(c);
                Socket old = connect(p)) {
            send(old, "a");
            assertThat(read(old, 1)).isEqualTo("a");
            // The next version leaves downstream data as it is.
            String next = Fixtures.wat("tcp-filter.wat")
                    .replace(
                            "(i32.const 97) (i32.const 122) (i32.const -32)",
                            "(i32.const 97) (i32.const 122) (i32.const 0)");
            Path tmp = Wat.write(dir, "next", next);
            Files.move(tmp, filter, StandardCopyOption.REPLACE_EXISTING);
            assertThat(p.awaitOutput("reloaded " + filter, WAIT)).isTrue();
            try (Socket fresh = connect(p)) {
                send(fresh, "b");
                assertThat(read(fresh, 1)).isEqualTo("b");
                assertThat(upstream.connection(1).receivedSoFar()).isEqualTo("b");
            }
            send(old, "c");
            assertThat(read(old, 1)).isEqualTo("c");
            assertThat(upstream.connection(0).receivedSoFar()).isEqualTo("AC");
        }
    }

    /** The fixture counts new connections and HTTP responses in one global and reports it as x-count. */
    private static String count(TestProxy p) throws Exception {
        HttpResponse<String> r = p.get("/");
        assertThat(r.statusCode()).isEqualTo(200);
        return r.headers().firstValue("x-count").orElse("-");
    }

    private String countsWith(String httpVmId, String networkVmId) throws Exception {
        ProxyConfig c = config(
                        echoCluster(),
                        FilterConfig.at(
                                filter.toString(),
                                null,
                                PluginConfig.builder()
                                        .name("net")
                                        .vmId(networkVmId)
                                        .pluginConfiguration("t")
                                        .build()))
                .addFilter(FilterConfig.at(
                        filter.toString(),
                        null,
                        PluginConfig.builder()
                                .name("http")
                                .vmId(httpVmId)
                                .pluginConfiguration("t")
                                .build()));
        try (TestProxy p = TestProxy.start(c)) {
            String first = count(p);
            try (Socket s = connect(p)) {
                send(s, "x");
                assertThat(read(s, 1)).isEqualTo("x");
            }
            return first + " " + count(p);
        }
    }

    @Test
    void networkAndHttpPluginsWithTheSameVmKeyShareOneVm() throws Exception {
        // Same code and vm_id: the connection counted in the HTTP plugin's VM.
        assertThat(countsWith("shared", "shared")).isEqualTo("1 3");
    }

    @Test
    void networkAndHttpPluginsWithDifferentVmIdsDoNot() throws Exception {
        assertThat(countsWith("http-vm", "net-vm")).isEqualTo("1 2");
    }
}
