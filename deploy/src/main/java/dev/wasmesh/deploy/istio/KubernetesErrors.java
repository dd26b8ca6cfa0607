package dev.wasmesh.deploy.istio;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import java.net.UnknownHostException;

/** One line out of fabric8's multi-line exceptions, naming the cause a user can act on. */
public final class KubernetesErrors {
  private KubernetesErrors() {}

  public static String firstLine(KubernetesClientException e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof ConnectException) {
        return "cannot reach the Kubernetes API server: connection refused";
      }
      if (cause instanceof UnknownHostException) {
        return "cannot reach the Kubernetes API server: unknown host " + cause.getMessage();
      }
    }
    if (e.getStatus() != null && e.getStatus().getMessage() != null) {
      return e.getStatus().getMessage().lines().findFirst().orElse("");
    }
    String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    return message.lines().findFirst().orElse(message);
  }
}
