package dev.wasmesh.cli.e2e;

import static dev.wasmesh.cli.Cli.wasmesh;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.cli.Cli;
import dev.wasmesh.deploy.testing.RequiredTools;
import dev.wasmesh.testsupport.ProxyProcess;
import java.io.File;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The developer's whole loop for AssemblyScript, each step a real wasmesh process: init, build, test, run. */
class AssemblyScriptLoopTest {
    @TempDir
    Path tmp;

    @Test
    void initBuildTestAndRunServeHelloWorld() throws Exception {
        RequiredTools.assume(onPath("npm"), "npm is not installed (apt-get install nodejs npm)");
        Path project = tmp.resolve("hello-as");

        Cli.Result init = wasmesh().run("init", project.toString(), "--language", "assemblyscript", "--yes");
        assertThat(init.exitCode()).as(init.toString()).isZero();

        Cli.Result build = wasmesh().in(project).timeout(300).run("build");
        assertThat(build.exitCode()).as(build.toString()).isZero();
        assertThat(build.stdout()).contains("proxy-wasm ABI 0.2.1");

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

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
