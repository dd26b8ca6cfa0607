package dev.wasmesh.cli.e2e;

import static dev.wasmesh.cli.Cli.wasmesh;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.cli.Cli;
import dev.wasmesh.deploy.testing.RequiredTools;
import dev.wasmesh.testsupport.ProxyProcess;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The developer's whole loop for Rust on the proxy-wasm crate, each step a real wasmesh process: init, build (the
 * crates pinned in the template's Cargo.lock, fetched from crates.io, for wasm32-wasip1), test and run.
 */
class RustLoopTest {
    @TempDir
    Path tmp;

    @Test
    void initBuildTestAndRunServeHelloWorld() throws Exception {
        RequiredTools.assume(Tools.onPath("cargo"), "cargo is not installed (https://rustup.rs)");
        RequiredTools.assume(
                Tools.rustTarget("wasm32-wasip1"),
                "Rust's wasm32-wasip1 target is not installed (rustup target add wasm32-wasip1)");
        Path project = tmp.resolve("hello-rust");

        Cli.Result init = wasmesh().run("init", project.toString(), "--language", "rust", "--yes");
        assertThat(init.exitCode()).as(init.toString()).isZero();
        assertThat(project.resolve("Cargo.lock")).as("the crates are pinned").exists();

        Cli.Result build = wasmesh().in(project).timeout(600).run("build");
        assertThat(build.exitCode()).as(build.toString()).isZero();
        assertThat(build.stderr()).contains("$ cargo build --target wasm32-wasip1 --release");
        assertThat(build.stdout() + build.stderr())
                .as("the version in Cargo.lock")
                .contains("proxy-wasm v0.2.5");
        assertThat(build.stdout()).contains("proxy-wasm ABI 0.2.1 (rust)");

        Cli.Result test = wasmesh().in(project).run("test");
        assertThat(test.exitCode()).as(test.toString()).isZero();
        assertThat(test.stdout()).contains("1 passed, 0 failed");

        try (ProxyProcess proxy = Cli.runProxy(project, "filter.wasm")) {
            assertThat(proxy.readyLine()).contains("127.0.0.1:" + proxy.port(), "ABI 0.2.1");
            HttpResponse<String> response = proxy.get("/loop");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("hello")).contains("world");
            assertThat(response.body()).contains("\"path\":\"/loop\"");
        }
    }
}
