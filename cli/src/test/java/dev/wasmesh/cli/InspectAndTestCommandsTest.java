package dev.wasmesh.cli;

import static dev.wasmesh.cli.Cli.wasmesh;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.testsupport.Examples;
import dev.wasmesh.testsupport.JsonDocs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wasmesh inspect} and {@code wasmesh test} as a user runs them: a process, its output and exit code. */
class InspectAndTestCommandsTest {
    @TempDir
    Path tmp;

    @Test
    void inspectDescribesARealFilterAndSaysItLoads() throws Exception {
        Cli.Result result = wasmesh().run("inspect", Examples.wasm("as-gcore").toString());

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout())
                .contains(
                        "ABI: 0.2.1",
                        "toolchain: AssemblyScript",
                        "start-up: _start",
                        "allocator: malloc",
                        "wasi_snapshot_preview1.fd_write",
                        "verdict: loadable here (proxy-wasm ABI 0.2.1)");
    }

    @Test
    void inspectNamesEachExamplesToolchainAndStartUp() throws Exception {
        Cli.Result rust = wasmesh().run("inspect", Examples.wasm("rust").toString());
        Cli.Result c = wasmesh().run("inspect", Examples.wasm("seed").toString());
        Cli.Result solo = wasmesh().run("inspect", Examples.wasm("as-solo").toString());

        assertThat(rust.exitCode()).as(rust.toString()).isZero();
        assertThat(rust.stdout())
                .contains(
                        "toolchain: Rust (rustc ", "producers.language: Rust", "start-up: none", "WASI imports (0): -")
                .contains("custom sections (2): name, producers");
        assertThat(c.stdout())
                .contains(
                        "toolchain: C99 (Debian clang",
                        "start-up: _initialize",
                        "allocator: proxy_on_memory_allocate",
                        "proxy-wasm imports (",
                        "memory: 2 pages initially, no maximum");
        assertThat(solo.stdout())
                .contains(
                        "ABI: 0.2.0",
                        "toolchain: AssemblyScript (@solo-io/proxy-runtime style SDK)",
                        "start-up: start section",
                        "verdict: loadable here (proxy-wasm ABI 0.2.0)");
    }

    @Test
    void inspectJsonGroupsImportsInAFixedOrder() throws Exception {
        Cli.Result result = wasmesh().run("inspect", Examples.wasm("as-gcore").toString(), "--output", "json");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        Map<?, ?> json = (Map<?, ?>) JsonDocs.parse(result.stdout());
        Map<?, ?> imports = (Map<?, ?>) json.get("imports");
        assertThat(imports.keySet().stream().map(String::valueOf).toList())
                .containsExactly("proxyWasm", "wasi", "other");
        assertThat(imports.get("wasi"))
                .asInstanceOf(InstanceOfAssertFactories.LIST)
                .contains("wasi_snapshot_preview1.fd_write");
        assertThat(((Map<?, ?>) json.get("memory")).get("maximumPages"))
                .as("no maximum")
                .isNull();
        assertThat(json.get("loadable")).isEqualTo(true);
        assertThat(json.get("toolchain")).isEqualTo("AssemblyScript");
    }

    @Test
    void inspectSaysWhyAModuleWithoutTheAbiMarkerIsNotAFilter() throws Exception {
        Path file = Files.write(tmp.resolve("plain.wasm"), new byte[] {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00});

        Cli.Result result = wasmesh().run("inspect", file.toString());

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.FAILED);
        assertThat(result.stdout())
                .contains("ABI: none (no proxy_abi_version_* export)")
                .contains("verdict: not loadable here: missing or unknown proxy-wasm ABI version");
    }

    @Test
    void inspectOfAMissingFileOrADirectoryIsAUsageError() throws Exception {
        Cli.Result missing = wasmesh().run("inspect", tmp.resolve("nope.wasm").toString());
        Cli.Result directory = wasmesh().run("inspect", tmp.toString());

        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(missing.stderr().strip()).isEqualTo("error: " + tmp.resolve("nope.wasm") + ": no such file");
        assertThat(directory.exitCode()).as(directory.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(directory.stderr()).contains(tmp + " is a directory: give the .wasm file");
    }

    @Test
    void inspectJsonListsMissingImportsAndTheReason() throws Exception {
        // A module that imports a host function nobody provides: inspect must name it and say why it cannot load.
        byte[] module = {
            0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type: () -> ()
            0x02, 0x11, 0x01, 0x03, 'e', 'n', 'v', 0x09, 'n', 'o', '_', 's', 'u', 'c', 'h', '_', 'f', 0x00, 0x00, 0x03,
            0x02, 0x01, 0x00, 0x07, 0x1b, 0x01, 0x17, 'p', 'r', 'o', 'x', 'y', '_', 'a', 'b', 'i', '_', 'v', 'e', 'r',
            's', 'i', 'o', 'n', '_', '0', '_', '2', '_', '1', 0x00, 0x01, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b
        };
        Path file = Files.write(tmp.resolve("bad.wasm"), module);

        Cli.Result result = wasmesh().run("inspect", file.toString(), "--output", "json");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.FAILED);
        Map<?, ?> json = (Map<?, ?>) JsonDocs.parse(result.stdout());
        assertThat(json.get("abiVersion")).isEqualTo("0.2.1");
        assertThat(json.get("missingImports")).isEqualTo(List.of("env.no_such_f"));
        assertThat(json.get("loadable")).isEqualTo(false);
        assertThat((String) json.get("verdict")).contains("imports this host does not provide: env.no_such_f");
    }

    @Test
    void inspectRefusesAFileThatIsNotWasm() throws Exception {
        Path file = Files.writeString(tmp.resolve("notes.txt"), "hello");
        Cli.Result result = wasmesh().run("inspect", file.toString());
        assertThat(result.exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(result.stderr()).contains("not a WebAssembly module");
    }

    @Test
    void testRunsTheScenariosOfAProject() throws Exception {
        Files.copy(Examples.wasm("seed"), tmp.resolve("filter.wasm"));
        Files.createDirectories(tmp.resolve("tests"));
        Files.writeString(
                tmp.resolve("tests/hello.yaml"),
                String.join(
                        "\n",
                        "filter: ../filter.wasm",
                        "rootId: seed",
                        "steps:",
                        "  - requestHeaders: {\":method\": GET, \":path\": /, \":authority\": example.com}",
                        "    endOfStream: true",
                        "    expect: {action: continue}",
                        "  - responseHeaders: {\":status\": \"200\"}",
                        "    endOfStream: true",
                        "    expect:",
                        "      action: continue",
                        "      headers: {hello: world}",
                        ""));

        Cli.Result pass = wasmesh().in(tmp).run("test");
        assertThat(pass.exitCode()).as(pass.toString()).isZero();
        assertThat(pass.stdout()).contains("1 passed, 0 failed");

        Files.writeString(
                tmp.resolve("tests/hello.yaml"),
                Files.readString(tmp.resolve("tests/hello.yaml")).replace("hello: world", "hello: mars"));
        Cli.Result fail = wasmesh().in(tmp).run("test");
        assertThat(fail.exitCode()).as(fail.toString()).isEqualTo(1);
        assertThat(fail.stdout()).contains("0 passed, 1 failed", "mars", "world");
    }

    @Test
    void aMalformedScenarioNamesFileAndLineAndExitsTwo() throws Exception {
        Files.copy(Examples.wasm("seed"), tmp.resolve("filter.wasm"));
        Path scenario = Files.writeString(
                tmp.resolve("broken.yaml"),
                String.join(
                        "\n",
                        "filter: filter.wasm",
                        "steps:",
                        "  - responseHeaders: {\":status\": \"200\"}",
                        "    expect:",
                        "      header: {hello: world}",
                        ""));
        Path unparsable = Files.writeString(tmp.resolve("unparsable.yaml"), "filter: [filter.wasm\nsteps: []\n");

        Cli.Result result = wasmesh().in(tmp).run("test", "broken.yaml", "unparsable.yaml");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(result.stderr())
                .contains("ERROR broken.yaml:5: steps[0].expect.header: unknown key 'header' (expected one of:");
        assertThat(result.stderr()).containsPattern("ERROR unparsable\\.yaml:\\d+: invalid YAML");
        assertThat(result.stdout()).contains("0 passed, 2 failed");
        assertThat(scenario).exists();
    }

    @Test
    void testWritesJUnitXmlAndJsonForMachines() throws Exception {
        Files.copy(Examples.wasm("seed"), tmp.resolve("filter.wasm"));
        Files.createDirectories(tmp.resolve("tests"));
        Files.writeString(
                tmp.resolve("tests/hello.yaml"),
                String.join(
                        "\n",
                        "name: hello on the response",
                        "filter: ../filter.wasm",
                        "steps:",
                        "  - responseHeaders: {\":status\": \"200\"}",
                        "    endOfStream: true",
                        "    expect: {headers: {hello: world}, headersAbsent: [x-nothing]}",
                        ""));

        Cli.Result result = wasmesh().in(tmp).run("test", "--junit", "reports/junit.xml", "--output", "json");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stderr()).contains("PASS tests/hello.yaml: hello on the response", "1 passed, 0 failed");
        Map<?, ?> json = (Map<?, ?>) JsonDocs.parse(result.stdout());
        assertThat(json.get("passed")).isEqualTo(1L);
        assertThat(json.get("exitCode")).isEqualTo(0L);
        String xml = Files.readString(tmp.resolve("reports/junit.xml"));
        assertThat(xml)
                .contains("<testsuites name=\"wasmesh test\" tests=\"1\" failures=\"0\" errors=\"0\"")
                .contains("<testcase classname=\"tests/hello.yaml\" name=\"hello on the response\"");
    }
}
