package dev.wasmesh.deploy.cli;

import dev.wasmesh.deploy.oci.DockerConfig;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "logout",
        mixinStandardHelpOptions = true,
        description = "Forget the credentials for an OCI registry, where docker logout would (the credential helper"
                + " Docker's config names, else ~/.docker/config.json).",
        footer = {"%nExamples:", "  wasmesh logout ghcr.io"})
public final class LogoutCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REGISTRY", description = "The registry's host[:port].")
    String registry;

    @Option(
            names = "--registry-config",
            paramLabel = "FILE",
            description =
                    "Docker's config file to use (default: $DOCKER_CONFIG/config.json, else ~/.docker/config.json).")
    Path configFile;

    @Override
    public Integer call() throws Exception {
        return Failures.run(spec, () -> {
            DockerConfig config = DockerConfig.load(configFile != null ? configFile : DockerConfig.defaultFile());
            Optional<String> where = config.erase(registry);
            spec.commandLine()
                    .getOut()
                    .println(where.map(w -> "removed the credentials for " + registry + " from " + w)
                            .orElse("not logged in to " + registry));
            return 0;
        });
    }
}
