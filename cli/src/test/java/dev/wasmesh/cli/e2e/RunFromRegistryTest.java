package dev.wasmesh.cli.e2e;

import static dev.wasmesh.cli.Cli.wasmesh;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.cli.Cli;
import dev.wasmesh.deploy.testing.LocalRegistry;
import dev.wasmesh.testsupport.Examples;
import dev.wasmesh.testsupport.ProxyProcess;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code wasmesh push} to a real local registry, then {@code wasmesh run oci://…} serves traffic with that filter. */
class RunFromRegistryTest {
    @RegisterExtension
    static final LocalRegistry REGISTRY = LocalRegistry.anonymous();

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"compat", "oci", "docker"})
    void pushedFilterRunsFromTheRegistry(String variant) throws Exception {
        String ref = REGISTRY.host() + "/demo/seed-" + variant + ":v1";
        Cli.Result push =
                wasmesh().run("push", Examples.wasm("seed").toString(), ref, "--plain-http", "--variant", variant);
        assertThat(push.exitCode()).as(push.toString()).isZero();
        assertThat(push.stdout() + push.stderr()).contains("sha256:");

        try (ProxyProcess proxy = Cli.runProxy(tmp, "oci://" + ref)) {
            HttpResponse<String> response = proxy.get("/from-registry");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("hello")).contains("world");
        }
    }

    @Test
    void anUnknownImageIsAOneLineError() throws Exception {
        Cli.Result run = wasmesh().in(tmp).run("run", "oci://" + REGISTRY.host() + "/demo/nothing:missing");
        assertThat(run.exitCode()).as(run.toString()).isNotZero();
        assertThat(run.stderr().strip().lines()).hasSize(1);
        assertThat(run.stderr()).contains("demo/nothing");
    }
}
