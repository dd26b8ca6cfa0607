package dev.wasmesh.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.deploy.testing.LocalRegistry;
import dev.wasmesh.deploy.testing.TestModules;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** wasmesh login and logout against real registries, and push and pull with what login kept. */
class LoginCommandTest {
    @TempDir
    Path dir;

    private Path config() {
        return dir.resolve("docker/config.json");
    }

    private CliHarness.Result login(String registry, String password) {
        return new CliHarness()
                .run(
                        new LoginCommand(new ByteArrayInputStream((password + "\n").getBytes(StandardCharsets.UTF_8))),
                        registry,
                        "-u",
                        LocalRegistry.USER,
                        "--password-stdin",
                        "--plain-http",
                        "--registry-config",
                        config().toString());
    }

    @Nested
    class WithBasicAuth {
        @RegisterExtension
        static final LocalRegistry registry = LocalRegistry.basicAuth();

        @Test
        void loginKeepsTheCredentialsThatPushAndPullThenUseAndLogoutForgetsThem() throws Exception {
            Files.createDirectories(config().getParent());
            Files.writeString(config(), "{\"auths\":{\"other.example\":{\"auth\":\"eDp5\"}},\"psFormat\":\"table\"}");

            CliHarness.Result in = login(registry.host(), LocalRegistry.PASSWORD);
            assertThat(in.err()).isEmpty();
            assertThat(in.exitCode()).isZero();
            assertThat(in.out())
                    .isEqualTo("logged in to " + registry.host() + " as " + LocalRegistry.USER
                            + " (credentials kept in " + config() + ")\n");
            String kept = Files.readString(config());
            assertThat(kept)
                    .contains(
                            "\"" + registry.host() + "\"",
                            Base64.getEncoder()
                                    .encodeToString((LocalRegistry.USER + ":" + LocalRegistry.PASSWORD)
                                            .getBytes(StandardCharsets.UTF_8)))
                    .contains("other.example", "psFormat"); // the rest of the file stays
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config())))
                    .isEqualTo("rw-------");
            assertThat(in.out() + in.err()).doesNotContain(LocalRegistry.PASSWORD);

            String ref = registry.host() + "/login/seed:v1";
            CliHarness.Result pushed = new CliHarness()
                    .run(
                            new PushCommand(),
                            TestModules.seedFilterPath().toString(),
                            ref,
                            "--plain-http",
                            "--registry-config",
                            config().toString());
            assertThat(pushed.err()).isEmpty();
            assertThat(pushed.exitCode()).isZero();
            Path out = dir.resolve("pulled.wasm");
            CliHarness.Result pulled = new CliHarness()
                    .run(
                            new PullCommand(),
                            ref,
                            "-o",
                            out.toString(),
                            "--plain-http",
                            "--registry-config",
                            config().toString());
            assertThat(pulled.exitCode()).isZero();
            assertThat(Files.readAllBytes(out)).isEqualTo(TestModules.seedFilter());

            CliHarness.Result outcome = new CliHarness()
                    .run(new LogoutCommand(), registry.host(), "--registry-config", config().toString());
            assertThat(outcome.out())
                    .isEqualTo("removed the credentials for " + registry.host() + " from " + config() + "\n");
            assertThat(Files.readString(config()))
                    .doesNotContain(registry.host())
                    .contains("other.example");
            CliHarness.Result again = new CliHarness()
                    .run(new LogoutCommand(), registry.host(), "--registry-config", config().toString());
            assertThat(again.out()).isEqualTo("not logged in to " + registry.host() + "\n");
            CliHarness.Result refused = new CliHarness()
                    .run(
                            new PullCommand(),
                            ref,
                            "-o",
                            out.toString(),
                            "--plain-http",
                            "--registry-config",
                            config().toString());
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err()).contains("requires authentication", "wasmesh login " + registry.host());
        }

        @Test
        void aWrongPasswordIsRefusedAndNothingIsKept() {
            CliHarness.Result in = login(registry.host(), "wrong password");
            assertThat(in.exitCode()).isEqualTo(1);
            assertThat(in.err())
                    .isEqualTo("error: login to " + registry.host() + " refused: wrong user name or password\n");
            assertThat(config()).doesNotExist();
        }
    }

    @Nested
    class WithTokenAuth {
        @RegisterExtension
        static final LocalRegistry registry = LocalRegistry.tokenAuth();

        @Test
        void loginGoesThroughTheTokenService() throws Exception {
            CliHarness.Result in = login(registry.host(), LocalRegistry.PASSWORD);
            assertThat(in.err()).isEmpty();
            assertThat(in.exitCode()).isZero();
            assertThat(registry.tokensIssued()).isPositive();
            assertThat(Files.readString(config())).contains(registry.host());

            CliHarness.Result wrong = login(registry.host(), "wrong password");
            assertThat(wrong.exitCode()).isEqualTo(1);
            assertThat(wrong.err())
                    .startsWith("error: authentication to " + registry.host() + " refused by its token" + " service");
        }
    }

    @Test
    void withoutATerminalTheUserNameIsNeeded() {
        CliHarness.Result in = new CliHarness()
                .run(new LoginCommand(new ByteArrayInputStream(new byte[0])), "127.0.0.1:1", "--password-stdin");
        assertThat(in.exitCode()).isEqualTo(1);
        assertThat(in.err()).startsWith("error: --username is needed");
    }
}
