package dev.wasmesh.deploy.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wasmesh.deploy.DeployException;
import dev.wasmesh.deploy.testing.LocalRegistry;
import dev.wasmesh.deploy.testing.TestModules;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class RegistryAuthTest {
    private static RegistryClient client(CredentialSource credentials) {
        return new RegistryClient(RegistryClient.Settings.defaults()
                .withPlainHttp(true)
                .withCredentials(credentials)
                .withRetry(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(20))));
    }

    private static ImageReference push(RegistryClient client, String ref) {
        WasmImage image = WasmImageBuilder.build(ImageVariant.COMPAT, TestModules.seedFilter(), "0.2.1", null);
        return new WasmImagePusher(client).push(image, ImageReference.parse(ref));
    }

    @Nested
    class Basic {
        @RegisterExtension
        static final LocalRegistry registry = LocalRegistry.basicAuth();

        @Test
        void theRightPasswordPushesAndPulls() {
            RegistryClient client = client(CredentialSource.fixed(
                    Credentials.basic(LocalRegistry.USER, LocalRegistry.PASSWORD), CredentialSource.anonymous()));
            push(client, registry.host() + "/auth/seed:v1");

            byte[] module = new WasmImagePuller(client)
                    .pull(ImageReference.parse(registry.host() + "/auth/seed:v1"))
                    .module();

            assertThat(module).isEqualTo(TestModules.seedFilter());
        }

        @Test
        void noCredentialsSaysHowToLogIn() {
            assertThatThrownBy(() -> push(client(CredentialSource.anonymous()), registry.host() + "/auth/seed:v1"))
                    .isInstanceOf(DeployException.class)
                    .hasMessage(
                            "registry " + registry.host() + " requires authentication for auth/seed: run wasmesh login "
                                    + registry.host() + " or pass --username and --password-stdin");
        }

        @Test
        void aWrongPasswordIsRefused() {
            RegistryClient client = client(CredentialSource.fixed(
                    Credentials.basic(LocalRegistry.USER, "wrong"), CredentialSource.anonymous()));

            assertThatThrownBy(() ->
                            new WasmImagePuller(client).pull(ImageReference.parse(registry.host() + "/auth/seed:v1")))
                    .isInstanceOf(DeployException.class)
                    .hasMessageStartingWith("authentication to " + registry.host() + " refused for image ")
                    .hasMessageContaining("HTTP 401 UNAUTHORIZED");
        }

        @Test
        void theDockerConfigIsUsed(@TempDir Path home) throws Exception {
            String auth = Base64.getEncoder()
                    .encodeToString(
                            (LocalRegistry.USER + ":" + LocalRegistry.PASSWORD).getBytes(StandardCharsets.UTF_8));
            Path config = home.resolve("config.json");
            Files.writeString(config, "{\"auths\":{\"http://" + registry.host() + "\":{\"auth\":\"" + auth + "\"}}}");

            ImageReference pushed = push(client(DockerConfig.load(config)), registry.host() + "/docker-config/seed:v1");

            assertThat(pushed.digest()).startsWith("sha256:");
        }

        @Test
        void aDockerCredentialHelperLogsIn(@TempDir Path home) throws Exception {
            Path helper = home.resolve("docker-credential-wasmesh-test");
            Files.writeString(
                    helper,
                    "#!/bin/sh\nread -r server\n"
                            + "printf '{\"ServerURL\":\"%s\",\"Username\":\"" + LocalRegistry.USER + "\",\"Secret\":\""
                            + LocalRegistry.PASSWORD + "\"}' \"$server\"\n");
            Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));
            Path config = Files.writeString(
                    home.resolve("config.json"), "{\"credHelpers\":{\"" + registry.host() + "\":\"wasmesh-test\"}}");
            RegistryClient client = client(DockerConfig.load(config, home.toString()));

            ImageReference pushed = push(client, registry.host() + "/cred-helper/seed:v1");
            WasmImagePuller.Pulled pulled =
                    new WasmImagePuller(client).pull(ImageReference.parse(registry.host() + "/cred-helper/seed:v1"));

            assertThat(pulled.module()).isEqualTo(TestModules.seedFilter());
            assertThat(pulled.pinned().digest()).isEqualTo(pushed.digest());
        }
    }

    @Nested
    class Token {
        @RegisterExtension
        static final LocalRegistry registry = LocalRegistry.tokenAuth();

        @Test
        void theBearerTokenFlowPushesAndPulls() {
            RegistryClient client = client(CredentialSource.fixed(
                    Credentials.basic(LocalRegistry.USER, LocalRegistry.PASSWORD), CredentialSource.anonymous()));
            ImageReference pushed = push(client, registry.host() + "/token/seed:v1");

            WasmImagePuller.Pulled pulled =
                    new WasmImagePuller(client).pull(ImageReference.parse(registry.host() + "/token/seed:v1"));

            assertThat(pulled.module()).isEqualTo(TestModules.seedFilter());
            assertThat(pulled.pinned().digest()).isEqualTo(pushed.digest());
            assertThat(registry.tokensIssued()).isGreaterThanOrEqualTo(2); // one for push,pull and one for pull
        }

        @Test
        void anonymousPullsOfAPrivateRepositoryAreRefused() {
            assertThatThrownBy(() -> new WasmImagePuller(client(CredentialSource.anonymous()))
                            .pull(ImageReference.parse(registry.host() + "/token/private:v1")))
                    .isInstanceOf(DeployException.class)
                    .hasMessage("registry " + registry.host()
                            + " requires authentication for token/private: run wasmesh login " + registry.host()
                            + " or pass --username and --password-stdin");
        }

        @Test
        void theTokenServiceRefusesAWrongPassword() {
            RegistryClient client = client(CredentialSource.fixed(
                    Credentials.basic(LocalRegistry.USER, "wrong"), CredentialSource.anonymous()));

            assertThatThrownBy(() ->
                            new WasmImagePuller(client).pull(ImageReference.parse(registry.host() + "/token/seed:v1")))
                    .isInstanceOf(DeployException.class)
                    .hasMessageStartingWith(
                            "authentication to " + registry.host() + " refused by its token service http://127.0.0.1:")
                    .hasMessageEndingWith("/token (HTTP 401)");
        }
    }
}
