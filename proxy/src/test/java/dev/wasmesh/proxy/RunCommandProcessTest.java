package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.testsupport.ProxyProcess;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code wasmesh run} as a real process: it prints its ready line, proxies a request, and stops on SIGTERM. */
class RunCommandProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void runPrintsReadyLineProxiesAndStopsWithZeroOnSigterm() throws Exception {
        try (ProxyProcess p = RunProcess.run(TestProxy.wasm("seed").toString())) {
            assertThat(p.output())
                    .contains("wasmesh proxy ready")
                    .contains("seed/filter.wasm")
                    .contains("proxy-wasm ABI 0.2.1");
            HttpClient h2c =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
            HttpResponse<String> r = h2c.send(
                    HttpRequest.newBuilder(p.uri("/process"))
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("hello")).hasValue("world");
            assertThat(p.awaitOutput("\"GET /process HTTP/2\" 200", WAIT)).isTrue(); // h2c by Upgrade
            p.sigterm();
            assertThat(p.awaitExit()).isZero();
        }
    }

    /** The default transport (io_uring where the kernel allows it) and the two a user can ask for instead. */
    @ParameterizedTest
    @ValueSource(strings = {"", "epoll", "nio"})
    void everyTransportProxiesKeepAliveRequestsAndBodies(String transport) throws Exception {
        List<String> jvm = transport.isEmpty() ? List.of() : List.of("-Dwasmesh.transport=" + transport);
        try (ProxyProcess p = RunProcess.run(jvm, TestProxy.wasm("seed").toString(), "--log-level", "debug")) {
            assertThat(p.awaitOutput("transport " + (transport.isEmpty() ? "" : transport + "\n"), WAIT))
                    .isTrue();
            HttpClient client =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = client.send(
                        HttpRequest.newBuilder(p.uri("/t/" + i))
                                .POST(HttpRequest.BodyPublishers.ofString("body " + i))
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.headers().firstValue("hello")).hasValue("world");
                assertThat(r.body()).contains("\"path\":\"/t/" + i + "\"").contains("\"body\":\"body " + i + "\"");
            }
        }
    }

    @Test
    void anUnknownTransportIsNamedInAWarningAndTheDefaultServes() throws Exception {
        try (ProxyProcess p = RunProcess.run(
                List.of("-Dwasmesh.transport=iouring"), TestProxy.wasm("seed").toString())) {
            assertThat(p.awaitOutput("[warn] -Dwasmesh.transport=iouring is not available here", WAIT))
                    .isTrue();
            assertThat(p.get("/x").headers().firstValue("hello")).hasValue("world");
        }
    }

    @Test
    void sigtermRefusesNewConnectionsDrainsTheRequestInFlightAndExitsWithZero() throws Exception {
        try (TestUpstream upstream = new TestUpstream("slow");
                ProxyProcess p = RunProcess.run(TestProxy.wasm("seed").toString(), "--upstream", upstream.url())) {
            HttpClient client =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(
                    HttpRequest.newBuilder(p.uri("/hold"))
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(upstream.awaitHolding(WAIT)).isTrue();
            p.sigterm();
            assertThat(refusesConnections(p.listen())).isTrue();
            assertThat(inFlight).isNotDone();
            upstream.release();
            HttpResponse<String> r = inFlight.get(30, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).startsWith("slow GET /hold ");
            assertThat(r.headers().firstValue("hello")).hasValue("world");
            assertThat(p.awaitExit()).isZero();
            assertThat(p.output()).contains("\"GET /hold HTTP/1.1\" 200"); // the access log is flushed on the way out
        }
    }

    /** Waits (bounded) until connecting to {@code hostPort} is refused. */
    private static boolean refusesConnections(String hostPort) throws InterruptedException {
        URI u = URI.create("http://" + hostPort);
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(u.getHost(), u.getPort()), 1000);
            } catch (ConnectException e) {
                return true;
            } catch (IOException e) {
                // a timeout or reset: try again
            }
            Thread.sleep(20);
        }
        return false;
    }

    @Test
    void runWithAMissingFilterFailsWithOneLine() throws Exception {
        try (ProxyProcess p = RunProcess.start(
                "run", "/nonexistent/filter.wasm", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0")) {
            assertThat(p.awaitExit()).isEqualTo(1);
            assertThat(p.output().strip()).isEqualTo("wasmesh run: /nonexistent/filter.wasm: no such file");
        }
    }

    @Test
    void echoCommandAnswersWithWhatItReceived() throws Exception {
        try (ProxyProcess p = RunProcess.start("echo", "--listen", "127.0.0.1:0")) {
            assertThat(p.awaitOutput("http://", WAIT)).isTrue();
            Matcher m = Pattern.compile("http://([0-9.]+:\\d+)").matcher(p.output());
            assertThat(m.find()).isTrue();
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://" + m.group(1) + "/e?q=1"))
                                    .POST(HttpRequest.BodyPublishers.ofString("data"))
                                    .timeout(Duration.ofSeconds(30))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body())
                    .contains("\"method\":\"POST\"")
                    .contains("\"path\":\"/e?q=1\"")
                    .contains("\"body\":\"data\"");
        }
    }
}
