package dev.wasmesh.deploy.cli;

import dev.wasmesh.deploy.istio.IstioDeployer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "undeploy",
        mixinStandardHelpOptions = true,
        description =
                "Remove exactly what wasmesh deploy created under NAME: its Istio resource and the module files it"
                        + " copied into pods.",
        footer = {"%nExamples:", "  wasmesh undeploy filter -n default"})
public final class UndeployCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The deployment's name, as deploy list shows it.")
    String name;

    @Mixin
    KubeOptions kube;

    private final Function<KubeOptions, KubernetesClient> connector;

    public UndeployCommand() {
        this(KubeOptions::connect);
    }

    UndeployCommand(Function<KubeOptions, KubernetesClient> connector) {
        this.connector = connector;
    }

    @Override
    public Integer call() throws Exception {
        return Failures.run(spec, () -> {
            try (KubernetesClient client = connector.apply(kube)) {
                IstioDeployer.Removed removed =
                        new IstioDeployer(client).undeploy(kube.namespace(client.getNamespace()), name);
                spec.commandLine()
                        .getOut()
                        .println("removed " + String.join(", ", removed.resources())
                                + (removed.filesRemoved() == 0
                                        ? ""
                                        : " and the module from " + removed.filesRemoved() + " pod"
                                                + (removed.filesRemoved() == 1 ? "" : "s")));
            }
            return 0;
        });
    }
}
