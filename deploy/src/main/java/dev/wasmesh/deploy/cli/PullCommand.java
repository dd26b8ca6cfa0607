package dev.wasmesh.deploy.cli;

import dev.wasmesh.deploy.DeployException;
import dev.wasmesh.deploy.oci.ImageReference;
import dev.wasmesh.deploy.oci.RegistryClient;
import dev.wasmesh.deploy.oci.WasmImagePuller;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "pull",
        mixinStandardHelpOptions = true,
        description = "Pull a Wasm module from an OCI image of any variant Istio reads (compat, oci, docker), verifying"
                + " every digest.",
        footer = {
            "%nExamples:",
            "  wasmesh pull ghcr.io/acme/filter:1.0 -o filter.wasm",
            "  wasmesh pull localhost:5000/filter@sha256:3b1f… -o filter.wasm --plain-http"
        })
public final class PullCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(
            index = "0",
            paramLabel = "REF",
            description = "The image: [oci://][registry/]repository[:tag][@digest].")
    String reference;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FILE.wasm",
            required = true,
            description = "Where to write the module.")
    Path output;

    @Mixin
    RegistryOptions registry;

    private final InputStream stdin;

    public PullCommand() {
        this(System.in);
    }

    PullCommand(InputStream stdin) {
        this.stdin = stdin;
    }

    @Override
    public Integer call() throws Exception {
        return Failures.run(spec, () -> {
            ImageReference ref = ImageReference.parse(reference);
            RegistryClient client = new RegistryClient(registry.settings(stdin, System.console() != null));
            WasmImagePuller.Pulled pulled = new WasmImagePuller(client).pull(ref);
            try {
                Files.write(output, pulled.module());
            } catch (IOException e) {
                throw new DeployException("cannot write " + output + ": " + e.getMessage());
            }
            spec.commandLine()
                    .getOut()
                    .println("pulled " + pulled.variant().label() + " image " + pulled.pinned() + " ("
                            + pulled.module().length + " bytes) to " + output);
            return 0;
        });
    }
}
