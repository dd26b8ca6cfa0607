package dev.wasmesh.cli.e2e;

import static dev.wasmesh.cli.Cli.wasmesh;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.cli.Cli;
import dev.wasmesh.deploy.testing.RequiredTools;
import dev.wasmesh.testsupport.ProxyProcess;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The developer's whole loop for Go on the official SDK, each step a real wasmesh process: init, build (the SDK
 * version pinned in the template's go.sum, fetched through the Go module proxy; Go's build cache makes a second
 * run fast), test and run. The Go runtime starts on the test clock and on the real one.
 */
class GoLoopTest {
    @TempDir
    Path tmp;

    @Test
    void initBuildTestAndRunServeHelloWorld() throws Exception {
        RequiredTools.assume(Tools.goAtLeast124(), "Go >= 1.24 is not installed (https://go.dev/dl/)");
        Path project = tmp.resolve("hello-go");

        Cli.Result init = wasmesh().run("init", project.toString(), "--language", "go", "--yes");
        assertThat(init.exitCode()).as(init.toString()).isZero();
        assertThat(project.resolve("go.sum")).as("the SDK is pinned").exists();

        Cli.Result build = wasmesh().in(project).timeout(600).run("build");
        assertThat(build.exitCode()).as(build.toString()).isZero();
        assertThat(build.stderr())
                .contains("$ GOARCH=wasm GOOS=wasip1 go build -buildmode=c-shared -o filter.wasm .")
                .doesNotContain("go mod tidy");
        assertThat(build.stdout()).as("the Go SDK exports the 0.2.0 marker").contains("proxy-wasm ABI 0.2.0 (go)");
        assertThat(Files.size(project.resolve("filter.wasm"))).isGreaterThan(1_000_000);

        Cli.Result test = wasmesh().in(project).timeout(300).run("test");
        assertThat(test.exitCode()).as(test.toString()).isZero();
        assertThat(test.stdout()).contains("1 passed, 0 failed");

        try (ProxyProcess proxy = Cli.runProxy(project, "filter.wasm")) {
            assertThat(proxy.readyLine()).contains("127.0.0.1:" + proxy.port(), "ABI 0.2.0");
            HttpResponse<String> response = proxy.get("/loop");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("hello")).contains("world");
            assertThat(response.body()).contains("\"path\":\"/loop\"");
        }
    }
}
