package dev.wasmesh.deploy.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wasmesh.deploy.DeployException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading what {@code docker login} leaves, including the credential helper programs it delegates to. */
class DockerConfigTest {
    @TempDir
    Path dir;

    private Path config(String json) throws Exception {
        return Files.writeString(dir.resolve("config.json"), json);
    }

    /**
     * A helper that speaks Docker's protocol: {@code get}, the server on stdin, JSON on stdout; it knows one server,
     * takes every {@code store} and {@code erase}, and records what it was asked.
     */
    private void helper(String name, String knownServer, String username, String secret) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path script = bin.resolve("docker-credential-" + name);
        Files.writeString(
                script,
                "#!/bin/sh\n"
                        + "read -r server\n"
                        + "printf '%s %s' \"$1\" \"$server\" > \"" + dir.resolve(name + ".asked") + "\"\n"
                        + "if [ \"$1\" = get ] && [ \"$server\" = '" + knownServer + "' ]; then\n"
                        + "  printf '{\"ServerURL\":\"%s\",\"Username\":\"" + username + "\",\"Secret\":\"" + secret
                        + "\"}'"
                        + " \"$server\"\n"
                        + "  exit 0\n"
                        + "fi\n"
                        + "if [ \"$1\" = store ] || [ \"$1\" = erase ]; then exit 0; fi\n"
                        + "echo 'credentials not found in native keychain'\n"
                        + "exit 1\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private String asked(String helper) throws Exception {
        return Files.readString(dir.resolve(helper + ".asked"));
    }

    private DockerConfig load(Path config) {
        return DockerConfig.load(config, dir.resolve("bin").toString());
    }

    @Test
    void authsEntriesMatchByHostWhateverTheKeyLooksLike() throws Exception {
        String auth = Base64.getEncoder().encodeToString("ci:s3cret".getBytes(StandardCharsets.UTF_8));
        DockerConfig docker = load(config("{\"auths\":{"
                + "\"https://registry.example.com/v1/\":{\"auth\":\"" + auth + "\"},"
                + "\"localhost:5000\":{\"identitytoken\":\"refresh-me\"},"
                + "\"https://index.docker.io/v1/\":{\"username\":\"hub\",\"password\":\"pw\"}}}"));

        assertThat(docker.lookup("registry.example.com")).contains(Credentials.basic("ci", "s3cret"));
        assertThat(docker.lookup("localhost:5000")).contains(Credentials.identityToken("refresh-me"));
        assertThat(docker.lookup("docker.io")).contains(Credentials.basic("hub", "pw"));
        assertThat(docker.lookup("ghcr.io")).isEmpty();
    }

    @Test
    void credHelpersAreAskedForTheirRegistry() throws Exception {
        helper("acme", "registry.acme.test", "robot", "t0ken");
        DockerConfig docker = load(config("{\"credHelpers\":{\"registry.acme.test\":\"acme\"}}"));

        assertThat(docker.lookup("registry.acme.test")).contains(Credentials.basic("robot", "t0ken"));
        assertThat(asked("acme")).isEqualTo("get registry.acme.test");
        assertThat(docker.lookup("ghcr.io"))
                .as("a registry without a helper or entry")
                .isEmpty();
    }

    @Test
    void aHelperAnsweringTokenGivesAnIdentityToken() throws Exception {
        helper("cloud", "registry.cloud.test", "<token>", "refresh-token");

        assertThat(load(config("{\"credHelpers\":{\"registry.cloud.test\":\"cloud\"}}"))
                        .lookup("registry.cloud.test"))
                .contains(Credentials.identityToken("refresh-token"));
    }

    @Test
    void credsStoreServesEveryRegistryAndDockerHubByItsIndexUrl() throws Exception {
        helper("store", "https://index.docker.io/v1/", "hub-user", "hub-pw");
        // docker login with a store leaves an empty auths entry behind.
        DockerConfig docker = load(config("{\"auths\":{\"https://index.docker.io/v1/\":{}},\"credsStore\":\"store\"}"));

        assertThat(docker.lookup("docker.io")).contains(Credentials.basic("hub-user", "hub-pw"));
        assertThat(asked("store")).isEqualTo("get https://index.docker.io/v1/");
        assertThat(docker.lookup("quay.io")).as("the helper does not know it").isEmpty();
    }

    @Test
    void storeAndEraseGoToTheHelperTheConfigNames() throws Exception {
        helper("store", "none", "x", "y");
        Path config = config("{\"credsStore\":\"store\"}");
        DockerConfig docker = load(config);

        assertThat(docker.store("ghcr.io", Credentials.basic("me", "pw"))).isEqualTo("docker-credential-store");
        assertThat(asked("store"))
                .startsWith("store {")
                .contains("\"ServerURL\":\"ghcr.io\"", "\"Username\":\"me\"", "\"Secret\":\"pw\"");
        assertThat(docker.erase("docker.io")).contains("docker-credential-store");
        assertThat(asked("store")).isEqualTo("erase https://index.docker.io/v1/");
        assertThat(Files.readString(config)).isEqualTo("{\"credsStore\":\"store\"}"); // the file is not touched
    }

    @Test
    void storeWritesAuthsAndEraseRemovesEveryKeyForTheHost() throws Exception {
        Path config = config("{\"auths\":{\"https://registry.example.com/v1/\":{\"auth\":\"b2xkOm9sZA==\"}}}");

        assertThat(load(config).store("registry.example.com", Credentials.basic("ci", "new")))
                .isEqualTo(config.toString());
        assertThat(load(config).lookup("registry.example.com")).contains(Credentials.basic("ci", "new"));
        assertThat(Files.readString(config)).doesNotContain("b2xkOm9sZA==");
        assertThat(load(config).erase("registry.example.com")).contains(config.toString());
        assertThat(load(config).lookup("registry.example.com")).isEmpty();
        assertThat(load(config).erase("registry.example.com")).isEmpty();
    }

    @Test
    void helperFailuresAreOneLine() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path broken = Files.writeString(
                bin.resolve("docker-credential-broken"),
                "#!/bin/sh\necho 'keychain is locked'\necho 'detail on stderr' >&2\nexit 3\n");
        Files.setPosixFilePermissions(broken, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path config = config("{\"credHelpers\":{\"a.test\":\"broken\",\"b.test\":\"missing\"}}");

        assertThatThrownBy(() -> load(config).lookup("a.test"))
                .isInstanceOf(DeployException.class)
                .hasMessage("docker-credential-broken get failed for a.test: keychain is locked");
        assertThatThrownBy(() -> load(config).lookup("b.test"))
                .hasMessage("Docker's credential helper docker-credential-missing (credHelpers in " + config
                        + ") is not installed: install it, or remove it from that file");
    }

    @Test
    void malformedFilesAreNamed() throws Exception {
        Path notBase64 = config("{\"auths\":{\"r.test\":{\"auth\":\"%%%\"}}}");
        assertThatThrownBy(() -> load(notBase64).lookup("r.test"))
                .hasMessage(
                        "the Docker credentials for r.test in " + notBase64 + " are malformed (auth is not base64)");

        Path notJson = config("{\"auths\":");
        assertThatThrownBy(() -> load(notJson))
                .hasMessageStartingWith("cannot read Docker credentials from " + notJson);

        assertThat(load(dir.resolve("absent.json")).lookup("r.test")).isEqualTo(Optional.empty());
    }
}
