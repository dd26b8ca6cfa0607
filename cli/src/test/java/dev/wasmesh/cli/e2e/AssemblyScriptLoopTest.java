package dev.wasmesh.cli.e2e;

import static dev.wasmesh.cli.Cli.wasmesh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wasmesh.cli.Cli;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The developer's whole loop for AssemblyScript, each step a real wasmesh process: init, build, test, run. */
class AssemblyScriptLoopTest {
  @TempDir Path tmp;

  @Test
  void initBuildTestAndRunServeHelloWorld() throws Exception {
    assumeTrue(onPath("npm"), "npm is not installed (apt-get install nodejs npm)");
    Path project = tmp.resolve("hello-as");

    Cli.Result init = wasmesh().run("init", project.toString(), "--language", "assemblyscript", "--yes");
    assertThat(init.exitCode()).as(init.toString()).isZero();

    Cli.Result build = wasmesh().in(project).timeout(300).run("build");
    assertThat(build.exitCode()).as(build.toString()).isZero();
    assertThat(build.stdout()).contains("proxy-wasm ABI 0.2.1");

    Cli.Result test = wasmesh().in(project).run("test");
    assertThat(test.exitCode()).as(test.toString()).isZero();
    assertThat(test.stdout()).contains("1 passed, 0 failed");

    int port = freePort();
    int admin = freePort();
    List<String> command = new ArrayList<>(Cli.javaCommand());
    command.addAll(
        List.of("run", "filter.wasm", "--listen", "127.0.0.1:" + port, "--admin", "127.0.0.1:" + admin));
    Process proxy =
        new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true).start();
    try {
      String ready = readyLine(proxy);
      assertThat(ready).contains("127.0.0.1:" + port, "ABI 0.2.1");

      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/loop"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("hello")).contains("world");
      assertThat(response.body()).contains("\"path\":\"/loop\"");
    } finally {
      proxy.destroy();
      if (!proxy.waitFor(20, TimeUnit.SECONDS)) {
        proxy.destroyForcibly().waitFor();
      }
    }
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (java.nio.file.Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** The proxy's first line says it is ready; anything printed before a failure is shown in the assertion. */
  private static String readyLine(Process proxy) throws Exception {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(proxy.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> ready =
        CompletableFuture.supplyAsync(
            () -> {
              StringBuilder seen = new StringBuilder();
              try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                  seen.append(line).append('\n');
                  if (line.contains("ready")) {
                    return line;
                  }
                }
              } catch (IOException e) {
                seen.append(e);
              }
              throw new AssertionError("the proxy exited before it was ready:\n" + seen);
            });
    return ready.get(120, TimeUnit.SECONDS);
  }
}
