package dev.wasmesh.deploy.cli;

import dev.wasmesh.deploy.DeployException;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;

/**
 * Which cluster and namespace: like kubectl, $KUBECONFIG or ~/.kube/config, else the pod's service account when in a
 * cluster.
 */
public final class KubeOptions {
    @Option(
            names = {"-n", "--namespace"},
            paramLabel = "NS",
            description = "Default: the kubeconfig context's namespace, else default.")
    String namespace;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "The kubeconfig file to use.")
    Path kubeconfig;

    @Option(names = "--context", paramLabel = "NAME", description = "The kubeconfig context to use.")
    String context;

    /** Reads the configuration without contacting the cluster. */
    Config config() {
        Config config;
        if (kubeconfig != null) {
            if (!Files.isRegularFile(kubeconfig)) {
                throw new DeployException("kubeconfig " + kubeconfig + " does not exist");
            }
            config = Config.fromKubeconfig(context, kubeconfig.toFile());
        } else {
            config = Config.autoConfigure(context);
        }
        // fabric8 falls back to the current context for a name it does not know; kubectl refuses, and so do we.
        List<NamedContext> contexts = config.getContexts() == null ? List.of() : config.getContexts();
        if (context != null && contexts.stream().noneMatch(c -> context.equals(c.getName()))) {
            throw new DeployException("context " + context + " not found in "
                    + (kubeconfig != null ? kubeconfig.toString() : "the kubeconfig ($KUBECONFIG or ~/.kube/config)")
                    + (contexts.isEmpty()
                            ? ""
                            : " (it has "
                                    + contexts.stream()
                                            .map(NamedContext::getName)
                                            .collect(Collectors.joining(", ")) + ")"));
        }
        return config;
    }

    KubernetesClient connect() {
        return new KubernetesClientBuilder().withConfig(config()).build();
    }

    /** kubectl's rule: {@code --namespace}, else the context's namespace, else {@code default}. */
    String namespace(String ofContext) {
        if (namespace != null) {
            return namespace;
        }
        return ofContext != null && !ofContext.isBlank() ? ofContext : "default";
    }
}
