package dev.wasmesh.deploy.cli;

import dev.wasmesh.deploy.DeployException;
import dev.wasmesh.deploy.oci.CredentialSource;
import dev.wasmesh.deploy.oci.Credentials;
import dev.wasmesh.deploy.oci.DockerConfig;
import dev.wasmesh.deploy.oci.RegistryClient;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "login",
        mixinStandardHelpOptions = true,
        description = "Log in to an OCI registry: checks the credentials with the registry, then keeps them where"
                + " docker login does (the credential helper Docker's config names, else ~/.docker/config.json), for push,"
                + " pull, run oci:// and deploy. Without --password-stdin it asks on the terminal.",
        footer = {
            "%nExamples:",
            "  wasmesh login ghcr.io -u octocat --password-stdin < token.txt",
            "  echo \"$PASSWORD\" | wasmesh login 127.0.0.1:5000 -u me --password-stdin --plain-http",
            "  wasmesh login registry.example.com          # asks for the user name and password"
        })
public final class LoginCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REGISTRY", description = "The registry's host[:port], e.g. ghcr.io.")
    String registry;

    @Option(
            names = {"-u", "--username"},
            paramLabel = "USER",
            description = "The user name.")
    String username;

    @Option(names = "--password-stdin", description = "Read the password (or token) from standard input.")
    boolean passwordStdin;

    @Option(names = "--plain-http", description = "Talk plain HTTP to the registry (a local registry without TLS).")
    boolean plainHttp;

    @Option(
            names = "--registry-config",
            paramLabel = "FILE",
            description =
                    "Docker's config file to use (default: $DOCKER_CONFIG/config.json, else ~/.docker/config.json).")
    Path configFile;

    private final InputStream stdin;

    public LoginCommand() {
        this(System.in);
    }

    LoginCommand(InputStream stdin) {
        this.stdin = stdin;
    }

    @Override
    public Integer call() throws Exception {
        return Failures.run(spec, () -> {
            Console console = System.console();
            String user = username;
            if (user == null) {
                if (passwordStdin || console == null) {
                    throw new DeployException(
                            "--username is needed" + (console == null ? " when not on a terminal" : "")
                                    + ": wasmesh login " + registry + " -u USER --password-stdin");
                }
                user = console.readLine("Username: ");
            }
            String password;
            if (passwordStdin) {
                password = readPassword(stdin);
            } else if (console != null) {
                char[] typed = console.readPassword("Password: ");
                password = typed == null ? "" : new String(typed);
            } else {
                throw new DeployException("no terminal to ask for the password on: pass --password-stdin");
            }
            if (user == null || user.isBlank() || password.isEmpty()) {
                throw new DeployException("a user name and a password are needed");
            }
            Credentials credentials = Credentials.basic(user.strip(), password);
            RegistryClient client = new RegistryClient(RegistryClient.Settings.defaults()
                    .withPlainHttp(plainHttp)
                    .withCredentials(CredentialSource.fixed(credentials, CredentialSource.anonymous())));
            client.checkLogin(registry);
            DockerConfig config = DockerConfig.load(configFile != null ? configFile : DockerConfig.defaultFile());
            String where = config.store(registry, credentials);
            spec.commandLine()
                    .getOut()
                    .println("logged in to " + registry + " as " + credentials.username() + " (credentials kept in "
                            + where + ")");
            return 0;
        });
    }

    private static String readPassword(InputStream stdin) {
        try {
            // One line, as docker login reads it: a trailing newline from echo or a file is not part of the password.
            return new String(stdin.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new DeployException("cannot read the password from stdin: " + e.getMessage());
        }
    }
}
