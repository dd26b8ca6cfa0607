package dev.wasmesh.deploy.cli;

import dev.wasmesh.deploy.istio.IstioDeployer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "list",
        mixinStandardHelpOptions = true,
        description = "Show what wasmesh deployed, where, and which module.",
        footer = {"%nExamples:", "  wasmesh deploy list -n default", "  wasmesh deploy list --all-namespaces"})
public final class DeployListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = {"-A", "--all-namespaces"},
            description = "List deployments in every namespace.")
    boolean allNamespaces;

    @Mixin
    KubeOptions kube;

    private final Function<KubeOptions, KubernetesClient> connector;

    public DeployListCommand() {
        this(KubeOptions::connect);
    }

    DeployListCommand(Function<KubeOptions, KubernetesClient> connector) {
        this.connector = connector;
    }

    @Override
    public Integer call() throws Exception {
        return Failures.run(spec, () -> {
            List<IstioDeployer.Listed> deployments;
            String listed;
            try (KubernetesClient client = connector.apply(kube)) {
                listed = allNamespaces ? null : kube.namespace(client.getNamespace());
                deployments = new IstioDeployer(client).list(listed);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (deployments.isEmpty()) {
                out.println(
                        "no wasmesh deployments " + (listed == null ? "in any namespace" : "in namespace " + listed));
                return 0;
            }
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"NAMESPACE", "NAME", "KIND", "TARGET", "MODULE", "SHA256", "PODS"});
            for (IstioDeployer.Listed d : deployments) {
                rows.add(new String[] {
                    d.namespace(),
                    d.name(),
                    d.kind().kind(),
                    d.target(),
                    d.source(),
                    d.moduleSha256().substring(0, Math.min(12, d.moduleSha256().length())),
                    d.pods().isEmpty() ? "-" : String.join(",", d.pods())
                });
            }
            int[] widths = new int[rows.get(0).length];
            for (String[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    widths[i] = Math.max(widths[i], row[i].length());
                }
            }
            for (String[] row : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < row.length; i++) {
                    line.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 3) + "s", row[i]));
                }
                out.println(line.toString().stripTrailing());
            }
            return 0;
        });
    }
}
