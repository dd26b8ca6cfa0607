package dev.wasmesh.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.cli.Cli;
import dev.wasmesh.testsupport.Examples;
import dev.wasmesh.testsupport.ProxyProcess;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --plugin-config @FILE} hands the file's bytes to the filter, not picocli's argument-file expansion. */
class RunPluginConfigFileTest {
    @TempDir
    Path tmp;

    @Test
    void aConfigurationFileWithSpacesReachesTheFilterWhole() throws Exception {
        Path config = Files.writeString(tmp.resolve("plugin config.txt"), "two words");
        try (ProxyProcess proxy = Cli.runProxy(
                tmp, Examples.wasm("as-solo").toString(), "--root-id", "as_solo", "--plugin-config", "@" + config)) {
            HttpResponse<String> response = proxy.get("/");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("x-as-config")).hasValue("two words");
        }
    }
}
