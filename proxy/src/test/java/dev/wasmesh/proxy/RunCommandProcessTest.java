package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code wasmesh run} as a real process: it prints its ready line, proxies a request, and stops on SIGTERM. */
class RunCommandProcessTest {
    private static final Pattern READY = Pattern.compile("listening on http://([0-9.]+:\\d+)");

    private static Process launch(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.wasmesh.proxy.cli.ProxyMain"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    @Test
    void runPrintsReadyLineProxiesAndDrainsOnSigterm() throws Exception {
        Process p = launch("run", TestProxy.wasm("seed").toString(), "--listen", "127.0.0.1:0",
                "--admin", "127.0.0.1:0", "--workers", "1");
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertThat(line).contains("wasmesh proxy ready").contains("seed/filter.wasm")
                    .contains("proxy-wasm ABI 0.2.1");
            Matcher m = READY.matcher(line);
            assertThat(m.find()).isTrue();
            HttpClient h2c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
            HttpResponse<String> r = h2c.send(
                    HttpRequest.newBuilder(URI.create("http://" + m.group(1) + "/process"))
                            .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("hello")).hasValue("world");
            assertThat(out.readLine()).contains("\"GET /process HTTP/2\" 200"); // h2c by Upgrade
            p.destroy();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void runWithAMissingFilterFailsWithOneLine() throws Exception {
        Process p = launch("run", "/nonexistent/filter.wasm", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0");
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).isEqualTo(1);
            assertThat(output.strip()).isEqualTo("wasmesh run: /nonexistent/filter.wasm: no such file");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void echoCommandAnswersWithWhatItReceived() throws Exception {
        Process p = launch("echo", "--listen", "127.0.0.1:0");
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            Matcher m = Pattern.compile("http://([0-9.]+:\\d+)").matcher(line);
            assertThat(m.find()).isTrue();
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://" + m.group(1) + "/e?q=1"))
                            .POST(HttpRequest.BodyPublishers.ofString("data")).timeout(Duration.ofSeconds(30))
                            .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"method\":\"POST\"").contains("\"path\":\"/e?q=1\"")
                    .contains("\"body\":\"data\"");
        } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
            p.destroyForcibly();
        }
    }
}
