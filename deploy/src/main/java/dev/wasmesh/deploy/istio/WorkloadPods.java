package dev.wasmesh.deploy.istio;

import dev.wasmesh.deploy.DeployException;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The running pods a selector picks that carry an Istio sidecar, or a one-line reason why there are none. */
public final class WorkloadPods {
    static final String SIDECAR = "istio-proxy";

    private WorkloadPods() {}

    static List<Pod> withSidecar(KubernetesClient client, String namespace, Map<String, String> selector) {
        List<Pod> pods =
                client.pods().inNamespace(namespace).withLabels(selector).list().getItems();
        String described = describe(selector);
        if (pods.isEmpty()) {
            throw new DeployException("no pod in namespace " + namespace + " matches " + described);
        }
        List<Pod> sidecars = pods.stream().filter(WorkloadPods::hasSidecar).toList();
        if (sidecars.isEmpty()) {
            throw new DeployException("none of the " + pods.size() + " pods matching " + described + " in namespace "
                    + namespace + " has an istio-proxy container: is sidecar injection enabled?");
        }
        List<Pod> running = sidecars.stream()
                .filter(p ->
                        p.getStatus() != null && "Running".equals(p.getStatus().getPhase()))
                .toList();
        if (running.isEmpty()) {
            throw new DeployException(
                    "none of the pods matching " + described + " in namespace " + namespace + " is running yet");
        }
        return running;
    }

    /** Native sidecars (Kubernetes 1.28+) run istio-proxy as an init container that keeps running. */
    private static boolean hasSidecar(Pod pod) {
        Stream<Container> containers =
                Stream.concat(pod.getSpec().getContainers().stream(), pod.getSpec().getInitContainers().stream());
        return containers.anyMatch(c -> SIDECAR.equals(c.getName()));
    }

    /** The selector as {@code kubectl -l} takes it: {@code app=productpage,version=v1}. */
    public static String describe(Map<String, String> selector) {
        return selector.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }
}
