package dev.wasmesh.cli.build;

import static dev.wasmesh.cli.Cli.wasmesh;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.cli.Cli;
import dev.wasmesh.cli.Cli.Result;
import dev.wasmesh.cli.ExitCode;
import dev.wasmesh.cli.Wasmesh;
import dev.wasmesh.cli.project.Language;
import dev.wasmesh.testsupport.JsonDocs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code wasmesh build} with toolchains replaced by scripts: the paths that need no real compiler. */
class BuildCommandTest {
    @TempDir
    Path tmp;

    private Path init(Language language) throws Exception {
        Path dir = tmp.resolve("demo-filter");
        // Setup only, so in-process; the init command's own tests run it as a separate process.
        assertThat(Wasmesh.run("init", dir.toString(), "--language", language.id(), "--root-id", "demo_root"))
                .isZero();
        return dir;
    }

    @ParameterizedTest
    @CsvSource({
        "assemblyscript, node not found on PATH: install Node.js and npm",
        "rust, cargo not found on PATH: install Rust with rustup",
        "go, go not found on PATH: install Go >= 1.24",
        "tinygo, tinygo not found on PATH: install TinyGo >= 0.32",
        "cpp, make not found on PATH: apt-get install make",
    })
    void aMissingToolchainIsOneLineNamingTheToolAndHowToInstallIt(String language, String message) throws Exception {
        Path dir = init(Language.byId(language).orElseThrow());
        Path emptyBin = Files.createDirectories(tmp.resolve("empty-bin"));

        Result result = wasmesh().env("PATH", emptyBin.toString()).run("build", dir.toString());

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.TOOL_MISSING);
        assertThat(result.stderr().lines().toList()).singleElement().asString().startsWith("error: " + message);
        assertThat(result.stdout()).isEmpty();
    }

    @Test
    void aRustProjectNeedsTheWasiTarget() throws Exception {
        Path dir = init(Language.RUST);
        Path sysroot = Files.createDirectories(tmp.resolve("sysroot/lib/rustlib/x86_64-unknown-linux-gnu"));
        FakeTools tools = new FakeTools(tmp.resolve("bin"))
                .script("cargo", "exit 99")
                .script("rustc", "echo " + sysroot.getParent().getParent().getParent());

        Result result = wasmesh().env("PATH", tools.path()).run("build", dir.toString());

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.TOOL_MISSING);
        assertThat(result.stderr())
                .contains("Rust target wasm32-wasip1 is not installed: run `rustup target add wasm32-wasip1`");
    }

    @Test
    void aRustBuildCopiesCargosModuleToFilterWasm() throws Exception {
        Path dir = init(Language.RUST);
        Path module = Files.write(tmp.resolve("module.wasm"), FakeTools.ABI_MODULE);
        Path sysroot = Files.createDirectories(tmp.resolve("sysroot/lib/rustlib/wasm32-wasip1"))
                .getParent()
                .getParent()
                .getParent();
        FakeTools tools = new FakeTools(tmp.resolve("bin"))
                .script("rustc", "echo " + sysroot)
                .script(
                        "cargo",
                        "[ \"$*\" = \"build --target wasm32-wasip1 --release\" ] || exit 9\n"
                                + "mkdir -p target/wasm32-wasip1/release && cp "
                                + module
                                + " target/wasm32-wasip1/release/demo_filter.wasm");

        Result result = wasmesh().env("PATH", tools.path()).run("build", dir.toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stderr()).contains("$ cargo build --target wasm32-wasip1 --release");
        assertThat(result.stdout()).contains("Built " + dir.resolve("filter.wasm"), "proxy-wasm ABI 0.2.1 (rust)");
        assertThat(dir.resolve("filter.wasm")).hasBinaryContent(FakeTools.ABI_MODULE);
    }

    @Test
    void aGoBuildTidiesModulesOnlyWithoutGoSumAndBuildsAWasiReactor() throws Exception {
        Path dir = init(Language.GO);
        assertThat(dir.resolve("go.sum")).as("the template pins the SDK").exists();
        Files.delete(dir.resolve("go.sum"));
        Path module = Files.write(tmp.resolve("module.wasm"), FakeTools.ABI_MODULE);
        FakeTools tools = new FakeTools(tmp.resolve("bin"))
                .script(
                        "go",
                        "case \"$*\" in\n"
                                + "  'env GOVERSION') echo go1.24.2 ;;\n"
                                + "  'mod tidy') touch go.sum ;;\n"
                                + "  'build -buildmode=c-shared -o filter.wasm .')\n"
                                + "    [ \"$GOOS/$GOARCH\" = wasip1/wasm ] || exit 9\n"
                                + "    cp " + module + " filter.wasm ;;\n"
                                + "  *) exit 8 ;;\n"
                                + "esac");

        Result first = wasmesh().env("PATH", tools.path()).run("build", dir.toString());
        Result second = wasmesh().env("PATH", tools.path()).run("build", dir.toString(), "--output", "json");

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.stderr())
                .contains("$ go mod tidy", "$ GOARCH=wasm GOOS=wasip1 go build -buildmode=c-shared -o filter.wasm .");
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.stderr()).doesNotContain("go mod tidy");
        assertThat(JsonDocs.parse(second.stdout()))
                .isEqualTo(Map.of(
                        "language",
                        "go",
                        "output",
                        dir.resolve("filter.wasm").toString(),
                        "size",
                        (long) FakeTools.ABI_MODULE.length,
                        "abiVersion",
                        "0.2.1",
                        "callbacks",
                        List.of(
                                "proxy_on_configure",
                                "proxy_on_context_create",
                                "proxy_on_delete",
                                "proxy_on_done",
                                "proxy_on_log",
                                "proxy_on_memory_allocate",
                                "proxy_on_request_headers",
                                "proxy_on_response_headers",
                                "proxy_on_vm_start")));
    }

    @Test
    void anOldGoIsReportedAsAMissingToolchain() throws Exception {
        Path dir = init(Language.GO);
        FakeTools tools = new FakeTools(tmp.resolve("bin")).script("go", "echo go1.19.8");

        Result result = wasmesh().env("PATH", tools.path()).run("build", dir.toString());

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.TOOL_MISSING);
        assertThat(result.stderr()).contains("Go 1.19 is too old, this project needs Go >= 1.24");
    }

    @Test
    void aTinyGoBuildUsesTheWasiTargetWithoutAScheduler() throws Exception {
        Path dir = init(Language.TINYGO);
        Path module = Files.write(tmp.resolve("module.wasm"), FakeTools.ABI_MODULE);
        FakeTools tools = new FakeTools(tmp.resolve("bin"))
                .script("go", "[ \"$*\" = 'mod tidy' ] && touch go.sum")
                .script(
                        "tinygo",
                        "[ \"$*\" = 'build -o filter.wasm -scheduler=none -target=wasi .' ] || exit 9\ncp " + module
                                + " filter.wasm");

        Result result = wasmesh()
                .env("PATH", tools.path())
                .run("build", dir.toString(), "-o", tmp.resolve("out/x.wasm").toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).contains("Built " + tmp.resolve("out/x.wasm"), "(tinygo)");
        assertThat(tmp.resolve("out/x.wasm")).hasBinaryContent(FakeTools.ABI_MODULE);
    }

    @Test
    void aFailingToolchainIsAFailedBuildAndLeavesNoStaleModule() throws Exception {
        Path dir = init(Language.GO);
        Files.write(dir.resolve("filter.wasm"), FakeTools.ABI_MODULE);
        FakeTools tools = new FakeTools(tmp.resolve("bin"))
                .script(
                        "go",
                        "case \"$1\" in env) echo go1.25.0 ;; mod) touch go.sum ;; *) echo 'main.go:3: syntax error' >&2; exit 1 ;; esac");

        Result result = wasmesh().env("PATH", tools.path()).run("build", dir.toString());

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(result.stderr())
                .contains("main.go:3: syntax error", "error: `GOARCH=wasm GOOS=wasip1 go build")
                .contains("failed with exit code 1");
        assertThat(dir.resolve("filter.wasm")).doesNotExist();
    }

    @Test
    void aModuleWithoutTheAbiMarkerFailsTheCheck() throws Exception {
        Path dir = init(Language.GO);
        Path module = Files.write(tmp.resolve("module.wasm"), FakeTools.EMPTY_MODULE);
        FakeTools tools = new FakeTools(tmp.resolve("bin"))
                .script(
                        "go",
                        "case \"$1\" in env) echo go1.24.0 ;; mod) touch go.sum ;; *) cp " + module
                                + " filter.wasm ;; esac");

        Result result = wasmesh().env("PATH", tools.path()).run("build", dir.toString(), "--output", "json");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(result.stderr())
                .contains("missing or unknown proxy-wasm ABI version", "proxy_* exports found: none");
        assertThat(((Map<?, ?>) JsonDocs.parse(result.stdout())).get("exitCode"))
                .isEqualTo((long) ExitCode.FAILED);
    }

    @Test
    void somethingThatIsNotWebAssemblyFailsTheCheck() throws Exception {
        Path dir = init(Language.GO);
        FakeTools tools = new FakeTools(tmp.resolve("bin"))
                .script(
                        "go",
                        "case \"$1\" in env) echo go1.24.0 ;; mod) touch go.sum ;; *) echo 'not wasm' > filter.wasm ;; esac");

        Result result = wasmesh().env("PATH", tools.path()).run("build", dir.toString());

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(result.stderr()).contains("not a WebAssembly module");
    }

    @Test
    void aBuildThatProducesNothingFails() throws Exception {
        Path dir = init(Language.TINYGO);
        FakeTools tools =
                new FakeTools(tmp.resolve("bin")).script("go", "touch go.sum").script("tinygo", "exit 0");

        Result result = wasmesh().env("PATH", tools.path()).run("build", dir.toString());

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(result.stderr()).contains("the build finished but did not produce " + dir.resolve("filter.wasm"));
    }

    @Test
    void theCppSdkBuildNeedsTheSdkAndEmscripten() throws Exception {
        Path dir = init(Language.CPP);

        Result noSdk = wasmesh()
                .env("PROXY_WASM_CPP_SDK", tmp.resolve("nowhere").toString())
                .run("build", dir.toString());
        Result noEmscripten = wasmesh()
                .env("PROXY_WASM_CPP_SDK", tmp.toString())
                .env("PATH", "/usr/bin:/bin")
                .run("build", dir.toString());

        assertThat(noSdk.exitCode()).as(noSdk.toString()).isEqualTo(ExitCode.TOOL_MISSING);
        assertThat(noSdk.stderr()).contains("PROXY_WASM_CPP_SDK not found at " + tmp.resolve("nowhere"));
        assertThat(noEmscripten.exitCode()).as(noEmscripten.toString()).isEqualTo(ExitCode.TOOL_MISSING);
        assertThat(noEmscripten.stderr()).contains("em++ not found on PATH: install emscripten");
    }

    @Test
    void theStandaloneCppBuildNamesTheMissingLibcxxOrBuiltinsPackage() throws Exception {
        Path dir = init(Language.CPP);
        Path sysroot = Files.createDirectories(tmp.resolve("sysroot/lib/wasm32-wasi"));
        Path builtins = tmp.resolve("clang-rt/libclang_rt.builtins-wasm32.a");
        FakeTools tools = new FakeTools(tmp.resolve("bin"))
                .script("make", "exit 0")
                .script("wasm-ld", "exit 0")
                .script("clang++", "[ \"$*\" = '--target=wasm32-wasi -print-libgcc-file-name' ] && echo " + builtins);
        Cli compiler = wasmesh()
                .env("PATH", tools.path())
                .env("WASI_SYSROOT", sysroot.getParent().getParent().toString());

        Result noLibcxx = compiler.run("build", dir.toString());
        Files.createDirectories(tmp.resolve("sysroot/include/wasm32-wasi/c++/v1"));
        Result noBuiltins = compiler.run("build", dir.toString());

        assertThat(noLibcxx.exitCode()).as(noLibcxx.toString()).isEqualTo(ExitCode.TOOL_MISSING);
        assertThat(noLibcxx.stderr().strip())
                .isEqualTo("error: libc++ for wasm32 not found at " + tmp.resolve("sysroot/include/wasm32-wasi/c++/v1")
                        + ": apt-get install libc++-14-dev-wasm32 (the version of your clang)");
        assertThat(noBuiltins.exitCode()).as(noBuiltins.toString()).isEqualTo(ExitCode.TOOL_MISSING);
        assertThat(noBuiltins.stderr().strip())
                .isEqualTo("error: clang's wasm32 builtins not found at " + builtins
                        + ": apt-get install libclang-rt-14-dev-wasm32 (the version of your clang)");
    }

    @Test
    void aDirectoryWithoutAProjectIsAUsageError() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));

        Result noProject = wasmesh().run("build", empty.toString());
        Result notADirectory =
                wasmesh().run("build", Files.writeString(tmp.resolve("f"), "x").toString());
        Result currentDirectory = wasmesh().in(empty).run("build");

        assertThat(noProject.exitCode()).as(noProject.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(noProject.stderr()).contains("no proxy-wasm project found in " + empty, "wasmesh init");
        assertThat(notADirectory.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(notADirectory.stderr()).contains("is not a directory");
        assertThat(currentDirectory.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(currentDirectory.stderr()).contains("no proxy-wasm project found in " + empty);
    }
}
