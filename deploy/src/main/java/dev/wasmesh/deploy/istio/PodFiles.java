package dev.wasmesh.deploy.istio;

import dev.wasmesh.deploy.DeployException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Files in a pod's istio-proxy container, over the exec protocol {@code kubectl cp} uses: fabric8 streams the bytes
 * into {@code sh -c 'cat - > FILE'} and then checks the size with {@code wc -c}.
 */
final class PodFiles {
  private static final long EXEC_TIMEOUT_SECONDS = 30;

  private PodFiles() {}

  static void copy(KubernetesClient client, String namespace, String pod, String path, byte[] content) {
    boolean uploaded;
    try {
      uploaded = client.pods().inNamespace(namespace).withName(pod).inContainer(WorkloadPods.SIDECAR)
          .file(path).upload(new ByteArrayInputStream(content));
    } catch (KubernetesClientException e) {
      throw new DeployException("copying the module into " + namespace + "/" + pod + " failed: "
          + KubernetesErrors.firstLine(e), e);
    }
    if (!uploaded) {
      throw new DeployException("copying the module into " + namespace + "/" + pod + ":" + path
          + " failed (the container must have sh, cat and wc, and " + path.substring(0, path.lastIndexOf('/'))
          + " must be writable)");
    }
  }

  /** Removes the file; a pod that no longer exists has nothing to remove. */
  static void remove(KubernetesClient client, String namespace, String pod, String path) {
    if (client.pods().inNamespace(namespace).withName(pod).get() == null) {
      return;
    }
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    try (ExecWatch exec = client.pods().inNamespace(namespace).withName(pod).inContainer(WorkloadPods.SIDECAR)
        .writingError(errors).exec("rm", "-f", path)) {
      Integer code = exec.exitCode().get(EXEC_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (code != null && code != 0) {
        throw new DeployException("removing " + path + " from " + namespace + "/" + pod + " failed: "
            + errors.toString(StandardCharsets.UTF_8).trim());
      }
    } catch (ExecutionException | TimeoutException | KubernetesClientException e) {
      throw new DeployException(
          "removing " + path + " from " + namespace + "/" + pod + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeployException("interrupted while removing " + path + " from " + namespace + "/" + pod);
    }
  }
}
