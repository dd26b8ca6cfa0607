package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.wasmesh.proxy.config.ClusterConfig;
import dev.wasmesh.proxy.config.Endpoint;
import dev.wasmesh.proxy.config.Limits;
import dev.wasmesh.proxy.config.ProxyConfig;
import dev.wasmesh.proxy.config.RouteConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * What one client can hold in the proxy: timeouts for slow and idle connections, the connection cap, HTTP/2
 * garbage, and flow control both ways (Envoy's watermarks), each over raw sockets as a hostile client would.
 */
class DownstreamLimitsTest {
    private static final int MIB = 1024 * 1024;

    private static Socket connect(TestProxy p) throws IOException {
        Endpoint ep = p.server.listenAddress();
        Socket s = new Socket(ep.host(), ep.port());
        s.setSoTimeout(10_000);
        return s;
    }

    private static String readAll(Socket s) throws IOException {
        return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    private static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    @Test
    void aSlowlorisHeadGets408AndAConnectionThatSendsNothingIsClosed() throws Exception {
        ProxyConfig c = TestProxy.config().limits(Limits.DEFAULT.withRequestHeadersTimeout(Duration.ofMillis(300)));
        try (TestProxy p = TestProxy.start(c);
                Socket slow = connect(p);
                Socket silent = connect(p)) {
            send(slow, "GET /slowloris HTTP/1.1\r\nhost: t\r\nx-a: 1\r\n");
            assertThat(readAll(slow)).startsWith("HTTP/1.1 408 Request Timeout\r\n");
            assertThat(silent.getInputStream().read()).isEqualTo(-1);
            assertThat(p.awaitOutput(
                            " 408 - 0 0 0 \"-\" \"-\" \"-\" \"-\" request_header_timeout", Duration.ofSeconds(5)))
                    .as(p.stdout())
                    .isTrue();
            assertThat(p.server.stats().counter("http.ingress_http.downstream_rq_header_timeout"))
                    .isEqualTo(2);
        }
    }

    @Test
    void aKeepAliveConnectionWithoutRequestsIsClosedAfterTheIdleTimeout() throws Exception {
        ProxyConfig c = TestProxy.config().limits(Limits.DEFAULT.withIdleTimeout(Duration.ofMillis(300)));
        try (TestProxy p = TestProxy.start(c);
                Socket s = connect(p)) {
            for (int i = 0; i < 3; i++) { // requests closer together than the timeout keep the connection
                send(s, "GET /a HTTP/1.1\r\nhost: t\r\n\r\n");
                readResponse(s.getInputStream());
                Thread.sleep(150);
            }
            long start = System.nanoTime();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(p.server.stats().counter("http.ingress_http.downstream_cx_idle_timeout"))
                    .isEqualTo(1);
        }
    }

    @Test
    void aStalledRequestBodyGetsEnvoys408StreamTimeout() throws Exception {
        ProxyConfig c = TestProxy.config("seed").limits(Limits.DEFAULT.withStreamIdleTimeout(Duration.ofMillis(300)));
        try (TestProxy p = TestProxy.start(c);
                Socket s = connect(p)) {
            send(s, "POST /stalled HTTP/1.1\r\nhost: t\r\ncontent-length: 10\r\n\r\nabc");
            String r = readAll(s);
            assertThat(r)
                    .startsWith("HTTP/1.1 408 Request Timeout\r\n")
                    .endsWith("\r\n\r\nstream timeout")
                    .containsIgnoringCase("connection: close")
                    .contains("hello: world"); // through the filter
            assertThat(p.awaitOutput("\"POST /stalled HTTP/1.1\" 408 SI ", Duration.ofSeconds(5)))
                    .isTrue();
            assertThat(p.stdout()).contains("stream_idle_timeout");
        }
    }

    @Test
    void aTricklingRequestBodyGetsEnvoys408RequestTimeout() throws Exception {
        ProxyConfig c = TestProxy.config().limits(Limits.DEFAULT.withRequestTimeout(Duration.ofMillis(500)));
        try (TestProxy p = TestProxy.start(c);
                Socket s = connect(p)) {
            send(s, "POST /trickle HTTP/1.1\r\nhost: t\r\ncontent-length: 100\r\n\r\n");
            for (int i = 0; i < 3; i++) { // a byte every 100 ms: never idle, but the request is not in in time
                send(s, "x");
                Thread.sleep(100);
            }
            assertThat(readAll(s))
                    .startsWith("HTTP/1.1 408 Request Timeout\r\n")
                    .endsWith("request timeout");
            assertThat(p.awaitOutput("\"POST /trickle HTTP/1.1\" 408 - 3 ", Duration.ofSeconds(5)))
                    .isTrue();
            assertThat(p.stdout()).contains("request_overall_timeout");
        }
    }

    @Test
    void connectionsOverTheCapAreClosedAndCountedAndOthersServed() throws Exception {
        ProxyConfig c = TestProxy.config().limits(Limits.DEFAULT.withMaxConnections(2));
        try (TestProxy p = TestProxy.start(c)) {
            try (Socket a = connect(p);
                    Socket b = connect(p)) {
                assertThat(b.isConnected()).isTrue(); // the second of the two the cap allows
                awaitGauge(p, "http.ingress_http.downstream_cx_active", 2);
                try (Socket over = connect(p)) {
                    assertThat(over.getInputStream().read()).isEqualTo(-1);
                }
                send(a, "GET /a HTTP/1.1\r\nhost: t\r\n\r\n");
                assertThat(readResponse(a.getInputStream())).startsWith("HTTP/1.1 200 OK");
            }
            awaitGauge(p, "http.ingress_http.downstream_cx_active", 0);
            assertThat(p.get("/after").statusCode()).isEqualTo(200);
            Endpoint ep = p.server.listenAddress();
            assertThat(p.server.stats().counter("listener." + ep.host() + "_" + ep.port() + ".downstream_cx_overflow"))
                    .isEqualTo(1);
        }
    }

    @Test
    void anH2PrefaceFollowedByGarbageGetsGoawayProtocolErrorWithoutAWarning() throws Exception {
        List<LogRecord> warnings = new ArrayList<>();
        Logger netty = Logger.getLogger("io.netty");
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    synchronized (warnings) {
                        warnings.add(r);
                    }
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        netty.addHandler(h);
        try (TestProxy p = TestProxy.start(TestProxy.config());
                Socket s = connect(p)) {
            send(s, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + "garbage that is no SETTINGS frame");
            byte[] in = s.getInputStream().readAllBytes();
            assertThat(goawayError(in)).isEqualTo(1); // PROTOCOL_ERROR
            Thread.sleep(200); // a warning would be logged as the connection closes
            assertThat(warnings).isEmpty();
            assertThat(p.stderr()).doesNotContain("Exception");
        } finally {
            netty.removeHandler(h);
        }
    }

    /** The error code of the first GOAWAY frame in {@code in}, or -1. */
    private static int goawayError(byte[] in) {
        ByteBuffer b = ByteBuffer.wrap(in);
        while (b.remaining() >= 9) {
            int length = (b.get() & 0xFF) << 16 | (b.get() & 0xFF) << 8 | (b.get() & 0xFF);
            int type = b.get() & 0xFF;
            b.get(); // flags
            b.getInt(); // stream id
            if (length > b.remaining()) {
                return -1;
            }
            if (type == 7) {
                b.getInt(); // last stream id
                return b.getInt();
            }
            b.position(b.position() + length);
        }
        return -1;
    }

    @Test
    void aClientThatNeverReadsHoldsAtMostTheWatermarkInTheProxy() throws Exception {
        long total = 256L * MIB;
        AtomicLong sent = new AtomicLong();
        try (ServerSocket upstream = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> serveBody(upstream, total, sent));
            server.setDaemon(true);
            server.start();
            ProxyConfig c = TestProxy.config()
                    .addCluster(ClusterConfig.fromUrl("fast", "http://127.0.0.1:" + upstream.getLocalPort()))
                    .addRoute(RouteConfig.catchAll("fast"));
            try (TestProxy p = TestProxy.start(c);
                    Socket s = new Socket()) {
                s.setReceiveBufferSize(16 * 1024);
                Endpoint ep = p.server.listenAddress();
                s.connect(new java.net.InetSocketAddress(ep.host(), ep.port()));
                send(s, "GET /big HTTP/1.1\r\nhost: t\r\n\r\n");
                awaitStill(sent);
                long buffered = p.server.stats().gaugeValue("http.ingress_http.downstream_cx_tx_bytes_buffered");
                // The watermark (1 MiB) plus one read from the upstream; without flow control, all of it.
                assertThat(buffered).isLessThanOrEqualTo(2 * MIB);
                assertThat(sent.get()).isLessThan(total / 2);
                // Reading again resumes the upstream: the whole body arrives.
                InputStream in = s.getInputStream();
                s.setSoTimeout(30_000);
                assertThat(readHead(in)).startsWith("HTTP/1.1 200 OK").contains("transfer-encoding: chunked");
                long body = 0;
                for (int size; (size = Integer.parseInt(readLine(in), 16)) > 0; body += size) {
                    in.skipNBytes(size);
                    readLine(in);
                }
                assertThat(body).isEqualTo(total);
            }
        }
    }

    @Test
    void aSlowUpstreamPausesReadingTheClientsBody() throws Exception {
        long total = 256L * MIB;
        try (ServerSocket upstream = new ServerSocket()) {
            upstream.setReceiveBufferSize(16 * 1024);
            upstream.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            ProxyConfig c = TestProxy.config()
                    .addCluster(ClusterConfig.fromUrl("stuck", "http://127.0.0.1:" + upstream.getLocalPort()))
                    .addRoute(RouteConfig.catchAll("stuck"));
            AtomicLong written = new AtomicLong();
            try (TestProxy p = TestProxy.start(c);
                    Socket s = connect(p)) {
                Socket accepted = null;
                Thread writer = new Thread(() -> {
                    try {
                        OutputStream out = s.getOutputStream();
                        out.write(("POST /up HTTP/1.1\r\nhost: t\r\ncontent-length: " + total + "\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                        byte[] chunk = new byte[64 * 1024];
                        for (long n = 0; n < total; n += chunk.length) {
                            out.write(chunk);
                            written.addAndGet(chunk.length);
                        }
                    } catch (IOException e) {
                        // the socket closes at the end of the test
                    }
                });
                writer.setDaemon(true);
                writer.start();
                accepted = upstream.accept(); // and never read from
                awaitStill(written);
                // The upstream connection's watermark plus kernel buffers on the way; without flow control the
                // proxy reads all of it into memory.
                assertThat(written.get()).isLessThan(total / 4);
                accepted.close();
            }
        }
    }

    @Test
    void aBodyArrivingWhileAFilterPausesOnHeadersPausesTheClientRatherThanFailingTheStream() throws Exception {
        HttpServer slow = HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        slow.createContext("/callout-target", ex -> {
            try {
                Thread.sleep(1000); // the filter holds the request headers this long
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            HttpsBackend.reply(ex, 200, "late");
        });
        slow.start();
        try {
            ProxyConfig c = TestProxy.config("c-all")
                    .addCluster(ClusterConfig.fromUrl(
                            "backend", "http://127.0.0.1:" + slow.getAddress().getPort()));
            try (TestProxy p = TestProxy.start(c)) {
                String body = "x".repeat(3 * MIB); // three times the buffer limit
                java.net.http.HttpResponse<String> r = p.post("/callout", body);
                // As Envoy's StopAllIterationAndWatermark: past the limit the client waits; nothing fails.
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).contains("\"x-c-all-callout-body\":\"late\"");
                assertThat(r.body().indexOf("\"body\":\"" + body + "\"")).isNotNegative();
            }
        } finally {
            slow.stop(0);
        }
    }

    /** Serves one request with a {@code total}-byte body as fast as the socket takes it, counting what went out. */
    private static void serveBody(ServerSocket listener, long total, AtomicLong sent) {
        try (Socket s = listener.accept()) {
            s.setSendBufferSize(16 * 1024);
            readHead(s.getInputStream());
            OutputStream out = s.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\ncontent-length: " + total + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[64 * 1024];
            for (long n = 0; n < total; n += chunk.length) {
                out.write(chunk);
                sent.addAndGet(chunk.length);
            }
        } catch (IOException e) {
            // the proxy went away
        }
    }

    /** Waits until {@code counter} stopped moving for a second (at most 20 s). */
    private static void awaitStill(AtomicLong counter) throws InterruptedException {
        long last = -1;
        int still = 0;
        for (int i = 0; i < 200 && still < 10; i++) {
            Thread.sleep(100);
            long now = counter.get();
            still = now == last && now > 0 ? still + 1 : 0;
            last = now;
        }
    }

    private static void awaitGauge(TestProxy p, String name, long value) throws InterruptedException {
        for (int i = 0; i < 100 && p.server.stats().gaugeValue(name) != value; i++) {
            Thread.sleep(50);
        }
        assertThat(p.server.stats().gaugeValue(name)).isEqualTo(value);
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed after: " + sb);
            }
            sb.append((char) c);
        }
        return sb.toString();
    }

    /** One CRLF-ended line, without the CRLF. */
    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new IOException("closed after: " + sb);
            }
            sb.append((char) c);
        }
        return sb.toString().strip();
    }

    /** A response with a content-length: its head and body. */
    private static String readResponse(InputStream in) throws IOException {
        String head = readHead(in);
        String lower = head.toLowerCase();
        int i = lower.indexOf("content-length: ") + 16;
        int n = Integer.parseInt(lower.substring(i, lower.indexOf("\r\n", i)));
        return head + new String(in.readNBytes(n), StandardCharsets.ISO_8859_1);
    }
}
