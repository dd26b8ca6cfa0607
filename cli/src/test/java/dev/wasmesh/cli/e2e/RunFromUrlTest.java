package dev.wasmesh.cli.e2e;

import static dev.wasmesh.cli.Cli.wasmesh;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.wasmesh.cli.Cli;
import dev.wasmesh.testsupport.Examples;
import dev.wasmesh.testsupport.ProxyProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wasmesh run https://…} as istio-agent loads a remote module: gzip removed, then the sha256 checked. */
class RunFromUrlTest {
    @TempDir
    Path tmp;

    private HttpServer server;
    private byte[] seed;

    @BeforeEach
    void serveTheSeedGzipped() throws IOException {
        seed = Files.readAllBytes(Examples.wasm("seed"));
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(seed);
        }
        byte[] body = gz.toByteArray();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/seed.wasm.gz", exchange -> {
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/seed.wasm.gz";
    }

    @Test
    void aGzippedModuleWithItsSha256ServesTraffic() throws Exception {
        String sha256 =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(seed));
        try (ProxyProcess proxy = Cli.runProxy(tmp, url(), "--sha256", sha256)) {
            HttpResponse<String> response = proxy.get("/from-url");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("hello")).contains("world");
        }
    }

    @Test
    void aWrongSha256IsAOneLineErrorAndNothingRuns() throws Exception {
        Cli.Result run = wasmesh().in(tmp).run("run", url(), "--sha256", "00".repeat(32));
        assertThat(run.exitCode()).as(run.toString()).isNotZero();
        assertThat(run.stderr().strip().lines()).hasSize(1);
        assertThat(run.stderr()).contains("sha256");
        assertThat(run.stdout()).doesNotContain("ready");
    }
}
