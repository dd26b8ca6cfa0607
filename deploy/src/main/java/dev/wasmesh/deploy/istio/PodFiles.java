package dev.wasmesh.deploy.istio;

import dev.wasmesh.deploy.DeployException;
import dev.wasmesh.deploy.oci.Tar;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;

/**
 * Files in a pod's istio-proxy container, over exec and tar as {@code kubectl cp} copies them: a tar archive of the
 * file streams into the container, and {@code tar -xmf} unpacks it there. The v4 exec protocol can end stdin only by
 * closing the stream, which loses the exit status; so the archive lands in a file first, its size is checked, and
 * unpacking it is a second command whose status comes back.
 */
final class PodFiles {
    private static final Duration EXEC_TIMEOUT = Duration.ofSeconds(60);
    /** How long an archive may take to land after its stream closed: the container still writes it out. */
    private static final long ARRIVAL_TIMEOUT_MILLIS = 10_000;

    private PodFiles() {}

    static void copy(KubernetesClient client, String namespace, String pod, String path, byte[] content) {
        int slash = path.lastIndexOf('/');
        String directory = path.substring(0, slash);
        String archive = directory + "/." + path.substring(slash + 1) + ".tar";
        String where = namespace + "/" + pod + ":" + path;
        byte[] tar = Tar.singleFile(path.substring(slash + 1), content);

        PodExec.Result streamed = exec(
                client,
                namespace,
                pod,
                tar,
                "sh",
                "-c",
                "mkdir -p " + quote(directory) + " && cat > " + quote(archive));
        if (streamed.exitCode() != null && !streamed.succeeded()) {
            throw new DeployException("copying the module to " + where + " failed: " + streamed.reason() + " ("
                    + directory + " must be writable)");
        }
        awaitSize(client, namespace, pod, archive, tar.length, where, directory);
        PodExec.Result unpacked = exec(
                client,
                namespace,
                pod,
                null,
                "sh",
                "-c",
                "tar -C " + quote(directory) + " -xmf " + quote(archive) + "; e=$?; rm -f " + quote(archive)
                        + "; exit $e");
        if (!unpacked.succeeded()) {
            throw new DeployException("copying the module to " + where + " failed: " + unpacked.reason()
                    + " (the istio-proxy container needs sh, cat, wc and tar)");
        }
    }

    /** Removes the file; a pod that no longer exists has nothing to remove. */
    static void remove(KubernetesClient client, String namespace, String pod, String path) {
        if (client.pods().inNamespace(namespace).withName(pod).get() == null) {
            return;
        }
        PodExec.Result removed = exec(client, namespace, pod, null, "rm", "-f", path);
        if (!removed.succeeded()) {
            throw new DeployException(
                    "removing " + path + " from " + namespace + "/" + pod + " failed: " + removed.reason());
        }
    }

    /** The archive is complete once the container has written all of it. */
    private static void awaitSize(
            KubernetesClient client,
            String namespace,
            String pod,
            String archive,
            long size,
            String where,
            String directory) {
        long deadline = System.currentTimeMillis() + ARRIVAL_TIMEOUT_MILLIS;
        for (long pause = 20; ; pause = Math.min(pause * 2, 1000)) {
            PodExec.Result counted = exec(client, namespace, pod, null, "sh", "-c", "wc -c < " + quote(archive));
            String bytes = counted.stdout().strip();
            if (counted.succeeded() && bytes.equals(Long.toString(size))) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new DeployException("copying the module to " + where + " failed: "
                        + (counted.succeeded()
                                ? bytes + " of the archive's " + size + " bytes arrived"
                                : "the archive did not arrive (" + counted.reason() + ")")
                        + "; " + directory + " must be writable");
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DeployException("interrupted while copying the module to " + where);
            }
        }
    }

    private static PodExec.Result exec(
            KubernetesClient client, String namespace, String pod, byte[] stdin, String... command) {
        return PodExec.run(client, namespace, pod, WorkloadPods.SIDECAR, stdin, EXEC_TIMEOUT, command);
    }

    /** A single-quoted shell word. */
    private static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
