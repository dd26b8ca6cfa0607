package dev.wasmesh.deploy.istio;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import javax.net.ssl.SSLException;

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
            if (cause instanceof HttpTimeoutException || cause instanceof SocketTimeoutException) {
                return "cannot reach the Kubernetes API server: timed out";
            }
            if (cause instanceof SSLException) {
                return "TLS with the Kubernetes API server failed (" + firstLine(cause.getMessage())
                        + "): check the cluster's certificate-authority in the kubeconfig";
            }
        }
        if (e.getStatus() != null && e.getStatus().getMessage() != null) {
            return firstLine(e.getStatus().getMessage());
        }
        // fabric8's own message only names the operation ("Operation: [get] … failed."); the reason is the root cause.
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String message = e.getMessage() != null
                ? firstLine(e.getMessage())
                : e.getClass().getSimpleName();
        return root == e || root.getMessage() == null ? message : message + " " + firstLine(root.getMessage());
    }

    private static String firstLine(String text) {
        return text == null ? "" : text.lines().findFirst().orElse("").strip();
    }
}
