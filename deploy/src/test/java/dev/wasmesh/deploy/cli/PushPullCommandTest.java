package dev.wasmesh.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.deploy.testing.LocalRegistry;
import dev.wasmesh.deploy.testing.TestModules;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class PushPullCommandTest {
    @RegisterExtension
    static final LocalRegistry registry = LocalRegistry.basicAuth();

    private final String seed = TestModules.seedFilterPath().toString();

    /** Runs push (or pull, when {@code pull}) with the registry password on stdin. */
    private CliHarness.Result run(boolean pull, String... args) {
        CliHarness harness = new CliHarness(
                () -> {
                    throw new AssertionError("no cluster here");
                },
                LocalRegistry.PASSWORD + "\n");
        return harness.run(pull ? new PullCommand(harness.stdin()) : new PushCommand(harness.stdin()), args);
    }

    @Test
    void pushPrintsTheDigestAndPullWritesTheSameBytes(@TempDir Path dir) throws Exception {
        for (String variant : new String[] {"compat", "oci", "docker"}) {
            String ref = registry.host() + "/cli/seed:" + variant;
            CliHarness.Result pushed = run(
                    false,
                    seed,
                    ref,
                    "--variant",
                    variant,
                    "--plain-http",
                    "--username",
                    LocalRegistry.USER,
                    "--password-stdin");
            assertThat(pushed.err()).isEmpty();
            assertThat(pushed.exitCode()).isZero();
            assertThat(pushed.out()).startsWith("pushed " + variant + " image " + ref + "\ndigest: sha256:");
            String digest = pushed.out()
                    .substring(pushed.out().indexOf("digest: ") + "digest: ".length())
                    .trim();

            Path out = dir.resolve(variant + ".wasm");
            CliHarness.Result pulled = run(
                    true,
                    "oci://" + ref,
                    "-o",
                    out.toString(),
                    "--plain-http",
                    "-u",
                    LocalRegistry.USER,
                    "--password-stdin");

            assertThat(pulled.exitCode()).isZero();
            assertThat(pulled.out())
                    .isEqualTo("pulled " + variant + " image " + ref + "@" + digest + " (" + Files.size(Path.of(seed))
                            + " bytes) to " + out + "\n");
            assertThat(Files.readAllBytes(out)).isEqualTo(TestModules.seedFilter());
        }
    }

    @Test
    void failuresAreOneLineAndExitOne(@TempDir Path dir) throws Exception {
        CliHarness.Result noAuth = new CliHarness()
                .run(
                        new PushCommand(new java.io.ByteArrayInputStream(new byte[0])),
                        seed,
                        registry.host() + "/cli/x:v1",
                        "--plain-http");
        assertThat(noAuth.exitCode()).isEqualTo(1);
        assertThat(noAuth.err())
                .isEqualTo("error: registry " + registry.host() + " requires authentication for cli/x: run"
                        + " wasmesh login " + registry.host() + " or pass --username and --password-stdin\n");

        Path text = Files.writeString(dir.resolve("notes.wasm"), "not wasm");
        CliHarness.Result notWasm = run(false, text.toString(), registry.host() + "/cli/x:v1", "--plain-http");
        assertThat(notWasm.exitCode()).isEqualTo(1);
        assertThat(notWasm.err()).isEqualTo("error: " + text + ": not a WebAssembly module (no \\0asm header)\n");

        CliHarness.Result tls =
                run(true, registry.host() + "/cli/x:v1", "-o", dir.resolve("x").toString());
        assertThat(tls.exitCode()).isEqualTo(1);
        assertThat(tls.err())
                .startsWith("error: registry " + registry.host() + " unreachable at https://" + registry.host()
                        + ": TLS failed")
                .endsWith("for a registry that serves plain HTTP pass --plain-http\n")
                .hasLineCount(1);
    }

    @Test
    void helpShowsExamples() {
        CliHarness.Result help = new CliHarness().run(new PushCommand(), "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Examples:", "wasmesh push filter.wasm ghcr.io/acme/filter:1.0", "--variant");
    }
}
