package dev.wasmesh.deploy.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
        name = "deploy",
        mixinStandardHelpOptions = true,
        description = "Deploy filters to a service mesh, and list what is deployed.",
        subcommands = {IstioDeployCommand.class, DeployListCommand.class},
        footer = {
            "%nExamples:",
            "  wasmesh deploy istio filter.wasm -n default --selector app=productpage,version=v1 --port 8080",
            "  wasmesh deploy list -A"
        })
public final class DeployCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "say what to do: deploy istio … or deploy list");
    }
}
