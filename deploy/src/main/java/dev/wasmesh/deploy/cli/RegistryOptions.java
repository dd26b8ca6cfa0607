package dev.wasmesh.deploy.cli;

import dev.wasmesh.deploy.DeployException;
import dev.wasmesh.deploy.oci.CredentialSource;
import dev.wasmesh.deploy.oci.Credentials;
import dev.wasmesh.deploy.oci.DockerConfig;
import dev.wasmesh.deploy.oci.RegistryClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How to reach and log in to a registry; without options, as Docker would (HTTPS, ~/.docker/config.json). */
public final class RegistryOptions {
    @Option(names = "--plain-http", description = "Talk plain HTTP to the registry (a local registry without TLS).")
    boolean plainHttp;

    @Option(
            names = {"-u", "--username"},
            paramLabel = "USER",
            description = "Log in as USER, reading the password from stdin (needs --password-stdin).")
    String username;

    @Option(names = "--password-stdin", description = "Read the registry password from standard input.")
    boolean passwordStdin;

    @Option(
            names = "--registry-config",
            paramLabel = "FILE",
            description = "Docker's config file with the credentials (default: $DOCKER_CONFIG/config.json, else"
                    + " ~/.docker/config.json); wasmesh login writes it.")
    Path configFile;

    RegistryClient.Settings settings(InputStream stdin, boolean progress) {
        CredentialSource credentials = configFile != null ? DockerConfig.load(configFile) : DockerConfig.load();
        if (username != null || passwordStdin) {
            if (username == null || !passwordStdin) {
                throw new DeployException("--username and --password-stdin go together");
            }
            credentials = CredentialSource.fixed(Credentials.basic(username, readPassword(stdin)), credentials);
        }
        return RegistryClient.Settings.defaults()
                .withPlainHttp(plainHttp)
                .withCredentials(credentials)
                .withProgress(progress);
    }

    private static String readPassword(InputStream stdin) {
        try {
            String password = new String(stdin.readAllBytes(), StandardCharsets.UTF_8).strip();
            if (password.isEmpty()) {
                throw new DeployException("--password-stdin read an empty password");
            }
            return password;
        } catch (IOException e) {
            throw new DeployException("cannot read the password from stdin: " + e.getMessage());
        }
    }
}
