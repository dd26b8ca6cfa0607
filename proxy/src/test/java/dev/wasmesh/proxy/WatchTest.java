package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.host.PluginConfig;
import dev.wasmesh.proxy.config.FilterConfig;
import dev.wasmesh.proxy.config.ProxyConfig;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchTest {
    @TempDir
    Path dir;

    @Test
    void changedFilterIsReloadedAndABrokenOneIsRefused() throws Exception {
        Path filter = dir.resolve("filter.wasm");
        Files.copy(TestProxy.wasm("seed"), filter);
        ProxyConfig c = new ProxyConfig()
                .workers(2)
                .watch(true)
                .addFilter(FilterConfig.at(
                        filter.toString(),
                        null,
                        PluginConfig.builder().name("f").build()));
        try (TestProxy p = TestProxy.start(c)) {
            assertThat(p.get("/").headers().firstValue("x-rust")).isEmpty();

            Path tmp = dir.resolve("next.tmp");
            Files.copy(TestProxy.wasm("rust"), tmp);
            Files.move(tmp, filter, StandardCopyOption.REPLACE_EXISTING);
            assertThat(p.awaitOutput("reloaded " + filter, Duration.ofSeconds(20)))
                    .isTrue();
            HttpResponse<String> r = p.get("/");
            assertThat(r.headers().firstValue("x-rust")).hasValue("yes");

            Files.writeString(filter, "not wasm at all");
            assertThat(p.awaitOutput("still serving the previous filter", Duration.ofSeconds(20)))
                    .isTrue();
            assertThat(p.stdout()).contains("not a WebAssembly module");
            HttpResponse<String> still = p.get("/");
            assertThat(still.statusCode()).isEqualTo(200);
            assertThat(still.headers().firstValue("x-rust")).hasValue("yes");
        }
    }
}
