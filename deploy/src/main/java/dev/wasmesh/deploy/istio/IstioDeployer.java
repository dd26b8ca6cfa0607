package dev.wasmesh.deploy.istio;

import dev.wasmesh.deploy.DeployException;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
  public record Listed(String namespace, String name, IstioKind kind, String source, String moduleSha256,
      String target, List<String> pods) {}

  /** What an undeploy removed. */
  public record Removed(List<String> resources, int filesRemoved) {}

  /**
   * Creates the deployment or brings it up to date: the same spec applied twice changes nothing the second time. A
   * deployment of the same name under another kind (an earlier {@code --mode}) is removed.
   */
  public Deployed deploy(DeploySpec spec) {
    GenericKubernetesResource resource = Manifests.build(spec);
    requireNamespace(spec.namespace());
    List<Pod> pods = spec.selector().isEmpty() ? List.of()
        : WorkloadPods.withSidecar(client, spec.namespace(), spec.selector());
    IstioKind kind = spec.mode().kind();
    Optional<GenericKubernetesResource> previous = get(kind, spec.namespace(), spec.name());
    if (previous.isPresent() && !isOurs(previous.get())) {
      throw new DeployException(kind.kind() + " " + spec.namespace() + "/" + spec.name()
          + " exists and was not created by wasmesh; choose another --name");
    }
    for (IstioKind other : IstioKind.values()) {
      if (other != kind) { // first, so that its files are gone before ours, maybe of the same name, arrive
        get(other, spec.namespace(), spec.name()).filter(IstioDeployer::isOurs).ifPresent(this::delete);
      }
    }
    List<String> podNames = pods.stream().map(p -> p.getMetadata().getName()).toList();
    if (spec.copiesToPods()) {
      for (String pod : podNames) {
        PodFiles.copy(client, spec.namespace(), pod, spec.podPath(), spec.module().module());
      }
      resource.getMetadata().getAnnotations().put(Ownership.PODS, String.join(",", podNames));
    }
    client.genericKubernetesResources(kind.context()).inNamespace(spec.namespace()).resource(resource)
        .createOr(NonDeletingOperation::update);
    previous.ifPresent(old -> removeStaleFiles(old, resource));
    return new Deployed(resource, spec.copiesToPods() ? podNames : List.of());
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
        out.add(new Listed(r.getMetadata().getNamespace(), r.getMetadata().getName(), kind,
            annotations.getOrDefault(Ownership.SOURCE, ""), annotations.getOrDefault(Ownership.MODULE_SHA256, ""),
            target(r), pods(r)));
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
        files += delete(r);
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

  private Optional<GenericKubernetesResource> get(IstioKind kind, String namespace, String name) {
    try {
      return Optional.ofNullable(
          client.genericKubernetesResources(kind.context()).inNamespace(namespace).withName(name).get());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) { // the CRD is not installed: nothing of this kind exists
        return Optional.empty();
      }
      throw e;
    }
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
  private int delete(GenericKubernetesResource resource) {
    IstioKind kind = Arrays.stream(IstioKind.values())
        .filter(k -> k.kind().equals(resource.getKind()))
        .findFirst()
        .orElseThrow();
    String path = resource.getMetadata().getAnnotations().get(Ownership.MODULE_PATH);
    List<String> pods = path == null ? List.of() : pods(resource);
    for (String pod : pods) {
      PodFiles.remove(client, resource.getMetadata().getNamespace(), pod, path);
    }
    client.genericKubernetesResources(kind.context()).inNamespace(resource.getMetadata().getNamespace())
        .withName(resource.getMetadata().getName()).delete();
    return pods.size();
  }

  /** After a new module replaced an old one, the old file is no longer referenced. */
  private void removeStaleFiles(GenericKubernetesResource old, GenericKubernetesResource current) {
    String oldPath = old.getMetadata().getAnnotations().get(Ownership.MODULE_PATH);
    String newPath = current.getMetadata().getAnnotations().get(Ownership.MODULE_PATH);
    if (oldPath == null || oldPath.equals(newPath)) {
      return;
    }
    for (String pod : pods(old)) {
      PodFiles.remove(client, old.getMetadata().getNamespace(), pod, oldPath);
    }
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
    Map<String, Object> spec = (Map<String, Object>) resource.getAdditionalProperties().get("spec");
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
