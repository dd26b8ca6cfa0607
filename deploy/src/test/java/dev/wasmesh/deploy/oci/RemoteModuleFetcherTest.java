package dev.wasmesh.deploy.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.wasmesh.deploy.DeployException;
import dev.wasmesh.deploy.testing.LocalRegistry;
import dev.wasmesh.deploy.testing.TestModules;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class RemoteModuleFetcherTest {
    @RegisterExtension
    static final LocalRegistry registry = LocalRegistry.anonymous();

    private static final byte[] MODULE = TestModules.seedFilter();
    private static final byte[] NOT_WASM = Tar.gzipSingleFile("README", "read me".getBytes(StandardCharsets.UTF_8));
    private static HttpServer web;

    private final RegistryClient.Settings settings = RegistryClient.Settings.defaults()
            .withPlainHttp(true)
            .withCredentials(CredentialSource.anonymous())
            .withRetry(new RetryPolicy(2, Duration.ofMillis(5), Duration.ofMillis(10)));
    private final RemoteModuleFetcher fetcher = new RemoteModuleFetcher(settings);

    @BeforeAll
    static void serveModules() throws Exception {
        web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        serve("/plain.wasm", MODULE);
        serve("/filter.wasm.gz", gzip(MODULE));
        serve("/filter.tar.gz", Tar.gzipSingleFile("dist/filter.wasm", MODULE));
        serve("/twice.gz", gzip(gzip(MODULE)));
        serve("/not-wasm.tar.gz", NOT_WASM);
        web.createContext("/moved", exchange -> {
            try (exchange) {
                exchange.getResponseHeaders().add("Location", "/filter.wasm.gz");
                exchange.sendResponseHeaders(302, -1);
            }
        });
        web.start();
    }

    private static byte[] gzip(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void serve(String path, byte[] body) {
        web.createContext(path, exchange -> {
            try (exchange) {
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
    }

    @AfterAll
    static void stopServing() {
        web.stop(0);
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + web.getAddress().getPort() + path;
    }

    @Test
    void downloadsAndUnwrapsLikeIstiosAgent() {
        String sha = Digests.sha256Hex(MODULE);
        assertThat(fetcher.fetch(url("/plain.wasm"), sha)).isEqualTo(MODULE);
        assertThat(fetcher.fetch(url("/filter.wasm.gz"), "sha256:" + sha)).isEqualTo(MODULE);
        assertThat(fetcher.fetch(url("/filter.tar.gz"))).isEqualTo(MODULE);
        assertThat(fetcher.fetch(url("/twice.gz"))).isEqualTo(MODULE);
        assertThat(fetcher.fetch(url("/not-wasm.tar.gz")))
                .as("kept as served, for the module check to refuse")
                .isEqualTo(NOT_WASM);
    }

    @Test
    void followsRedirects() {
        assertThat(fetcher.fetch(url("/moved"), Digests.sha256Hex(MODULE))).isEqualTo(MODULE);
    }

    @Test
    void refusesAModuleWithAnotherChecksum() {
        String wrong = "1".repeat(64);
        assertThatThrownBy(() -> fetcher.fetch(url("/plain.wasm"), wrong))
                .isInstanceOf(DeployException.class)
                .hasMessage("digest mismatch for " + url("/plain.wasm") + ": expected sha256:" + wrong
                        + " but the content is " + Digests.sha256(MODULE) + "; refusing it");
    }

    @Test
    void namesMissingDownloads() {
        assertThatThrownBy(() -> fetcher.fetch(url("/missing.wasm")))
                .hasMessage("cannot download " + url("/missing.wasm") + ": HTTP 404");
        assertThatThrownBy(() -> fetcher.fetch("https://exa mple.test/x.wasm"))
                .isInstanceOf(DeployException.class)
                .hasMessageStartingWith("'https://exa mple.test/x.wasm' is not a valid URL: Illegal character");
        assertThatThrownBy(() -> fetcher.fetch("https:///x.wasm"))
                .hasMessage("'https:///x.wasm' is not a valid URL: it names no host");
        assertThatThrownBy(() -> fetcher.fetch("file://host/x.wasm"))
                .hasMessage(
                        "'file://host/x.wasm' is not a file URL (file:///absolute/path): URI has an authority component");
        assertThatThrownBy(() -> fetcher.fetch("ftp://example/x.wasm"))
                .hasMessage("cannot load a module from 'ftp://example/x.wasm': expected an oci://, https://, http:// or"
                        + " file:// URL");
    }

    @Test
    void pullsOciImagesAndChecksTheManifestDigest() {
        ImageReference pushed = new WasmImagePusher(new RegistryClient(settings))
                .push(
                        WasmImageBuilder.build(ImageVariant.COMPAT, MODULE, "0.2.1", null),
                        ImageReference.parse(registry.host() + "/fetch/seed:v1"));
        String uri = "oci://" + registry.host() + "/fetch/seed:v1";

        assertThat(fetcher.fetch(uri)).isEqualTo(MODULE);
        assertThat(fetcher.fetch(uri, pushed.digest())).isEqualTo(MODULE);
        assertThatThrownBy(() -> fetcher.fetch(uri, Digests.sha256Hex(MODULE)))
                .isInstanceOf(DeployException.class)
                .hasMessageStartingWith("digest mismatch for " + uri + ": the image's manifest is " + pushed.digest());
    }

    @Test
    void readsLocalFiles(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("f.wasm"), MODULE);
        assertThat(fetcher.fetch(file.toUri().toString(), Digests.sha256Hex(MODULE)))
                .isEqualTo(MODULE);
    }
}
