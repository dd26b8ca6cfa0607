package dev.wasmesh.cli;

import static dev.wasmesh.cli.Cli.wasmesh;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wasmesh inspect} and {@code wasmesh test} as a user runs them: a process, its output and exit code. */
class InspectAndTestCommandsTest {
  @TempDir Path tmp;

  private static Path example(String name) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path wasm = dir.resolve("examples").resolve(name).resolve("filter.wasm");
      if (Files.isRegularFile(wasm)) {
        return wasm;
      }
    }
    throw new IllegalStateException("examples/" + name + " not found");
  }

  @Test
  void inspectDescribesARealFilterAndSaysItLoads() throws Exception {
    Cli.Result result = wasmesh().run("inspect", example("as-gcore").toString());

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
  void inspectJsonListsMissingImportsAndTheReason() throws Exception {
    // A module that imports a host function nobody provides: inspect must name it and say why it cannot load.
    byte[] module = {
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
      0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type: () -> ()
      0x02, 0x11, 0x01, 0x03, 'e', 'n', 'v', 0x09, 'n', 'o', '_', 's', 'u', 'c', 'h', '_', 'f', 0x00, 0x00,
      0x03, 0x02, 0x01, 0x00,
      0x07, 0x1b, 0x01, 0x17,
      'p', 'r', 'o', 'x', 'y', '_', 'a', 'b', 'i', '_', 'v', 'e', 'r', 's', 'i', 'o', 'n', '_', '0', '_', '2', '_', '1',
      0x00, 0x01,
      0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b
    };
    Path file = Files.write(tmp.resolve("bad.wasm"), module);

    Cli.Result result = wasmesh().run("inspect", file.toString(), "--output", "json");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.FAILED);
    Map<?, ?> json = (Map<?, ?>) Json.parse(result.stdout());
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
    Files.copy(example("seed"), tmp.resolve("filter.wasm"));
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
}
