package dev.wasmesh.deploy.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which cluster: like kubectl, $KUBECONFIG or ~/.kube/config, else the pod's service account when in a cluster. */
public final class KubeOptions {
  @Option(names = "--kubeconfig", paramLabel = "FILE", description = "The kubeconfig file to use.")
  Path kubeconfig;

  @Option(names = "--context", paramLabel = "NAME", description = "The kubeconfig context to use.")
  String context;

  KubernetesClient connect() {
    Config config = kubeconfig != null
        ? Config.fromKubeconfig(context, kubeconfig.toFile())
        : Config.autoConfigure(context);
    return new KubernetesClientBuilder().withConfig(config).build();
  }
}
