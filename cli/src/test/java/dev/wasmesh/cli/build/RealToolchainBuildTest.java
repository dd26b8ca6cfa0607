package dev.wasmesh.cli.build;

import static dev.wasmesh.cli.Cli.wasmesh;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.cli.Cli.Result;
import dev.wasmesh.cli.ExitCode;
import dev.wasmesh.cli.Wasmesh;
import dev.wasmesh.deploy.testing.RequiredTools;
import dev.wasmesh.testsupport.JsonDocs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated projects built with the real toolchains this machine can install (see cli/README.md),
 * then run on a stand-in host to show they behave like the seed filter. Each test is skipped, with
 * the reason, only when its toolchain is absent. Go and Rust projects go through the whole loop in
 * e2e/GoLoopTest and e2e/RustLoopTest.
 */
class RealToolchainBuildTest {
    private static final String HEADER_WRITE = "2:hello=world";

    @TempDir
    Path tmp;

    private Path init(String language) throws Exception {
        Path dir = tmp.resolve(language + "-filter");
        // Setup only, so in-process; the init command's own tests run it as a separate process.
        assertThat(Wasmesh.run("init", dir.toString(), "-l", language, "--root-id", language + "_root"))
                .isZero();
        return dir;
    }

    @Test
    void assemblyScriptProjectInstallsBuildsAndBehaves() throws Exception {
        RequiredTools.assume(Toolchain.onPath("npm").isPresent(), "npm is not installed (apt-get install nodejs npm)");
        Path dir = init("assemblyscript");

        Result first = wasmesh().timeout(300).run("build", dir.toString());
        Result second =
                wasmesh().in(tmp).timeout(120).run("build", dir.toString(), "--output", "json", "-o", "out.wasm");

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.stderr()).contains("$ npm install", "$ npm run build");
        assertThat(first.stdout())
                .contains("Built " + dir.resolve("filter.wasm"), "proxy-wasm ABI 0.2.1 (assemblyscript)");
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.stderr()).as("node_modules is reused").doesNotContain("npm install");
        Map<?, ?> json = (Map<?, ?>) JsonDocs.parse(second.stdout());
        assertThat(json.get("abiVersion")).isEqualTo("0.2.1");
        assertThat(json.get("output"))
                .as("-o is relative to the working directory")
                .isEqualTo(tmp.resolve("out.wasm").toString());
        assertThat(json.get("callbacks"))
                .asInstanceOf(InstanceOfAssertFactories.LIST)
                .contains("proxy_on_response_headers", "proxy_on_context_create");
        assertBehavesLikeTheSeed(dir.resolve("filter.wasm"), "assemblyscript_root", "assemblyscript-filter");
    }

    @Test
    void cppProjectBuildsWithClangAndWasiLibcAndBehaves() throws Exception {
        RequiredTools.assume(Toolchain.onPath("clang++").isPresent(), "clang is not installed (apt-get install clang)");
        RequiredTools.assume(Toolchain.onPath("wasm-ld").isPresent(), "wasm-ld is not installed (apt-get install lld)");
        RequiredTools.assume(
                Files.isDirectory(Path.of("/usr/lib/wasm32-wasi")),
                "wasi-libc is not installed (apt-get install wasi-libc)");
        Path dir = init("cpp");

        Result result = wasmesh().run("build", dir.toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stderr()).contains("$ make");
        assertThat(result.stdout()).as("make's own output, live").contains("--target=wasm32-wasi");
        assertThat(result.stdout()).contains("proxy-wasm ABI 0.2.1 (cpp)");
        assertBehavesLikeTheSeed(dir.resolve("filter.wasm"), "cpp_root", "cpp-filter");

        Result test = wasmesh().in(dir).run("test");
        assertThat(test.exitCode())
                .as("the generated scenario passes on the real host: " + test)
                .isZero();
        assertThat(test.stdout()).contains("PASS tests/hello.yaml: hello world on the response", "1 passed, 0 failed");
        Result inspect = wasmesh().run("inspect", dir.resolve("filter.wasm").toString());
        assertThat(inspect.stdout())
                .as("the producers section survives the build")
                .contains(
                        "toolchain: ", "clang", "start-up: _initialize", "proxy-wasm imports (2)", "WASI imports (0)");
    }

    @Test
    void aCppCompileErrorFailsTheBuild() throws Exception {
        RequiredTools.assume(Toolchain.onPath("clang++").isPresent(), "clang is not installed (apt-get install clang)");
        RequiredTools.assume(Toolchain.onPath("wasm-ld").isPresent(), "wasm-ld is not installed (apt-get install lld)");
        RequiredTools.assume(
                Files.isDirectory(Path.of("/usr/lib/wasm32-wasi")),
                "wasi-libc is not installed (apt-get install wasi-libc)");
        Path dir = init("cpp");
        Path source = dir.resolve("standalone/filter.cc");
        Files.writeString(
                source, Files.readString(source).replace("return Action::Continue;", "return Action::Continue"));

        Result result = wasmesh().run("build", dir.toString());

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(result.stderr()).contains("standalone/filter.cc", "error:", "`make` failed with exit code 2");
        assertThat(dir.resolve("filter.wasm")).doesNotExist();
    }

    private static void assertBehavesLikeTheSeed(Path wasm, String rootId, String name) {
        FilterProbe.Outcome accepted = FilterProbe.respond(wasm, rootId, false);
        FilterProbe.Outcome refused = FilterProbe.respond(wasm, rootId, true);

        assertThat(accepted.headerWrites()).containsExactly(HEADER_WRITE);
        assertThat(accepted.criticalLogs()).isEmpty();
        assertThat(accepted.requestAction()).isZero();
        assertThat(accepted.responseAction()).isZero();
        assertThat(refused.headerWrites()).isEmpty();
        assertThat(refused.criticalLogs()).singleElement().asString().startsWith(name + ": failed to set hello header");
        assertThat(refused.responseAction()).isZero();
    }
}
