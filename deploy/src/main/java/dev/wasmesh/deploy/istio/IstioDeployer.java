package dev.wasmesh.deploy.istio;

import dev.wasmesh.deploy.DeployException;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Applies, lists and removes deployments in a cluster. Everything it creates carries the {@link Ownership} marks, and
 * it touches nothing without them.
 */
public final class IstioDeployer {
    private final KubernetesClient client;

    public IstioDeployer(KubernetesClient client) {
        this.client = client;
    }

    /** What a deploy changed: the applied resource and the pods the module was copied into. */
    public record Deployed(GenericKubernetesResource resource, List<String> pods) {}

    /** One deployment found in the cluster. */
    public record Listed(
            String namespace,
            String name,
            IstioKind kind,
            String source,
            String moduleSha256,
            String target,
            List<String> pods) {}

    /** What an undeploy removed. */
    public record Removed(List<String> resources, int filesRemoved) {}

    /**
     * Creates the deployment or brings it up to date: the same spec applied twice changes nothing the second time. A
     * deployment of the same name under another kind (an earlier {@code --mode}) is removed once the new one is in
     * place. If copying or applying fails, the copies this call made are removed again.
     */
    public Deployed deploy(DeploySpec spec) {
        GenericKubernetesResource resource = Manifests.build(spec);
        requireNamespace(spec.namespace());
        IstioKind kind = spec.mode().kind();
        requireKind(kind, spec.namespace());
        List<Pod> pods = spec.selector().isEmpty()
                ? List.of()
                : WorkloadPods.withSidecar(client, spec.namespace(), spec.selector());
        Map<IstioKind, GenericKubernetesResource> existing = new EnumMap<>(IstioKind.class);
        for (IstioKind any : IstioKind.values()) {
            get(any, spec.namespace(), spec.name()).ifPresent(r -> existing.put(any, r));
        }
        if (existing.containsKey(kind) && !isOurs(existing.get(kind))) {
            throw new DeployException(kind.kind() + " " + spec.namespace() + "/" + spec.name()
                    + " exists and was not created by wasmesh; choose another --name");
        }
        existing.values().removeIf(r -> !isOurs(r));
        String path = spec.copiesToPods() ? spec.podPath() : null;
        List<String> podNames =
                pods.stream().map(p -> p.getMetadata().getName()).toList();
        List<String> copied = new ArrayList<>();
        try {
            if (spec.copiesToPods()) {
                for (String pod : podNames) {
                    PodFiles.copy(
                            client, spec.namespace(), pod, path, spec.module().module());
                    copied.add(pod);
                }
                resource.getMetadata().getAnnotations().put(Ownership.PODS, String.join(",", podNames));
            }
            client.genericKubernetesResources(kind.context())
                    .inNamespace(spec.namespace())
                    .resource(resource)
                    .createOr(NonDeletingOperation::update);
        } catch (RuntimeException e) {
            undoCopies(spec.namespace(), path, copied, existing.values(), e);
            throw e;
        }
        for (Map.Entry<IstioKind, GenericKubernetesResource> old : existing.entrySet()) {
            if (old.getKey() == kind) {
                removeFiles(old.getValue(), path, copied);
            } else {
                delete(old.getValue(), path, copied);
            }
        }
        return new Deployed(resource, spec.copiesToPods() ? podNames : List.of());
    }

    /** Takes back the copies of a failed deploy, but not a file an earlier deployment put at the same path. */
    private void undoCopies(
            String namespace,
            String path,
            List<String> copied,
            Collection<GenericKubernetesResource> earlier,
            RuntimeException failure) {
        Set<String> hadIt = new HashSet<>();
        for (GenericKubernetesResource r : earlier) {
            if (path != null && path.equals(r.getMetadata().getAnnotations().get(Ownership.MODULE_PATH))) {
                hadIt.addAll(pods(r));
            }
        }
        for (String pod : copied) {
            if (!hadIt.contains(pod)) {
                try {
                    PodFiles.remove(client, namespace, pod, path);
                } catch (DeployException e) {
                    failure.addSuppressed(e);
                }
            }
        }
    }

    /** @param namespace a namespace, or null for all of them */
    public List<Listed> list(String namespace) {
        if (namespace != null) {
            requireNamespace(namespace);
        }
        List<Listed> out = new ArrayList<>();
        for (IstioKind kind : IstioKind.values()) {
            for (GenericKubernetesResource r : listOurs(kind, namespace, null)) {
                Map<String, String> annotations = r.getMetadata().getAnnotations();
                out.add(new Listed(
                        r.getMetadata().getNamespace(),
                        r.getMetadata().getName(),
                        kind,
                        annotations.getOrDefault(Ownership.SOURCE, ""),
                        annotations.getOrDefault(Ownership.MODULE_SHA256, ""),
                        target(r),
                        pods(r)));
            }
        }
        out.sort((a, b) -> (a.namespace() + "/" + a.name()).compareTo(b.namespace() + "/" + b.name()));
        return out;
    }

    /** Removes the resources deploy created under this name, and the module files it copied into pods. */
    public Removed undeploy(String namespace, String name) {
        requireNamespace(namespace);
        List<String> removed = new ArrayList<>();
        int files = 0;
        for (IstioKind kind : IstioKind.values()) {
            for (GenericKubernetesResource r : listOurs(kind, namespace, name)) {
                files += delete(r, null, List.of());
                removed.add(kind.kind() + " " + namespace + "/" + name);
            }
        }
        if (removed.isEmpty()) {
            throw new DeployException("no wasmesh deployment named " + name + " in namespace " + namespace
                    + " (see wasmesh deploy list)");
        }
        return new Removed(removed, files);
    }

    private void requireNamespace(String namespace) {
        try {
            if (client.namespaces().withName(namespace).get() == null) {
                throw new DeployException("namespace " + namespace + " not found");
            }
        } catch (KubernetesClientException e) {
            if (e.getCode() != 403) { // users limited to their namespace may not read Namespace objects: go on
                throw new DeployException(KubernetesErrors.firstLine(e), e);
            }
        }
    }

    /** A cluster without the kind's CRD answers 404 to a list; say so before anything changes. */
    private void requireKind(IstioKind kind, String namespace) {
        try {
            client.genericKubernetesResources(kind.context())
                    .inNamespace(namespace)
                    .list(new ListOptionsBuilder().withLimit(1L).build());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                throw new DeployException("this cluster does not serve " + kind.kind() + " (" + kind.apiVersion() + "):"
                        + " install Istio, or a release of it that has " + kind.kind() + ", or choose another --mode");
            }
            throw e;
        }
    }

    /** Nothing of a kind whose CRD is not installed exists: fabric8's get answers null for any 404. */
    private Optional<GenericKubernetesResource> get(IstioKind kind, String namespace, String name) {
        return Optional.ofNullable(client.genericKubernetesResources(kind.context())
                .inNamespace(namespace)
                .withName(name)
                .get());
    }

    private List<GenericKubernetesResource> listOurs(IstioKind kind, String namespace, String name) {
        var resources = client.genericKubernetesResources(kind.context());
        var labelled = (namespace == null ? resources.inAnyNamespace() : resources.inNamespace(namespace))
                .withLabel(Ownership.MANAGED_BY, Ownership.MANAGER);
        if (name != null) {
            labelled = labelled.withLabel(Ownership.DEPLOYMENT, name);
        }
        try {
            return labelled.list().getItems();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return List.of();
            }
            throw e;
        }
    }

    /** @return how many module files it removed from pods */
    private int delete(GenericKubernetesResource resource, String keepPath, List<String> keepPods) {
        IstioKind kind = Arrays.stream(IstioKind.values())
                .filter(k -> k.kind().equals(resource.getKind()))
                .findFirst()
                .orElseThrow();
        int removed = removeFiles(resource, keepPath, keepPods);
        client.genericKubernetesResources(kind.context())
                .inNamespace(resource.getMetadata().getNamespace())
                .withName(resource.getMetadata().getName())
                .delete();
        return removed;
    }

    /**
     * Removes the module files a resource put into pods, except the one at {@code keepPath} in {@code keepPods}, which
     * the deployment that replaces it uses.
     *
     * @return how many files it removed
     */
    private int removeFiles(GenericKubernetesResource resource, String keepPath, List<String> keepPods) {
        String path = resource.getMetadata().getAnnotations().get(Ownership.MODULE_PATH);
        if (path == null) {
            return 0;
        }
        int removed = 0;
        for (String pod : pods(resource)) {
            if (!(path.equals(keepPath) && keepPods.contains(pod))) {
                PodFiles.remove(client, resource.getMetadata().getNamespace(), pod, path);
                removed++;
            }
        }
        return removed;
    }

    private static boolean isOurs(GenericKubernetesResource resource) {
        Map<String, String> labels = resource.getMetadata().getLabels();
        return labels != null && Ownership.MANAGER.equals(labels.get(Ownership.MANAGED_BY));
    }

    private static List<String> pods(GenericKubernetesResource resource) {
        String pods = resource.getMetadata().getAnnotations().getOrDefault(Ownership.PODS, "");
        return pods.isEmpty() ? List.of() : List.of(pods.split(","));
    }

    /** The selector or target references, as the user wrote them. */
    @SuppressWarnings("unchecked")
    private static String target(GenericKubernetesResource resource) {
        Map<String, Object> spec =
                (Map<String, Object>) resource.getAdditionalProperties().get("spec");
        Object labels = spec.containsKey("workloadSelector")
                ? ((Map<String, Object>) spec.get("workloadSelector")).get("labels")
                : spec.containsKey("selector") ? ((Map<String, Object>) spec.get("selector")).get("matchLabels") : null;
        if (labels instanceof Map<?, ?> map) {
            return WorkloadPods.describe((Map<String, String>) map);
        }
        Object refs = spec.get("targetRefs");
        if (refs instanceof List<?> list) {
            List<String> out = new ArrayList<>();
            for (Object ref : list) {
                Map<String, Object> r = (Map<String, Object>) ref;
                out.add(r.get("kind") + "/" + r.get("name"));
            }
            return String.join(",", out);
        }
        return "";
    }
}
