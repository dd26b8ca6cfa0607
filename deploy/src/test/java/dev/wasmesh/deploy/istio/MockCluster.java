package dev.wasmesh.deploy.istio;

import dev.wasmesh.deploy.testing.CrdSchemas;
import dev.wasmesh.deploy.testing.RepoFiles;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.regex.Pattern;

/**
 * A cluster for deploy tests: fabric8's mock API server in CRUD mode with Istio's real CRDs, namespaces and pods, and
 * {@link FakePodShells} answering the exec calls of pod copies, which CRUD mode cannot.
 */
final class MockCluster implements AutoCloseable {
    /** The mock server logs every request through JUL at INFO; the tests' output is more useful without. */
    private static final java.util.logging.Logger MOCK_LOG =
            java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    static {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    private final KubernetesMockServer server;
    private final FakePodShells shells;
    final KubernetesClient client;

    MockCluster() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        shells = new FakePodShells(responses);
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, shells, false);
        server.init();
        client = server.createClient();
        try (InputStream crds = Files.newInputStream(RepoFiles.require(CrdSchemas.CRD_FILE))) {
            for (HasMetadata crd : client.load(crds).items()) {
                client.resource(crd).create();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    MockCluster namespace(String name) {
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .endMetadata()
                        .build())
                .create();
        return this;
    }

    MockCluster pod(String namespace, String name, boolean sidecar, String phase, String... labels) {
        PodBuilder pod = new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("app")
                .withImage("app:1")
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase(phase)
                .endStatus();
        for (int i = 0; i < labels.length; i += 2) {
            pod.editMetadata().addToLabels(labels[i], labels[i + 1]).endMetadata();
        }
        if (sidecar) {
            pod.editSpec()
                    .addNewContainer()
                    .withName("istio-proxy")
                    .withImage("istio/proxyv2")
                    .endContainer()
                    .endSpec();
        }
        client.pods().inNamespace(namespace).resource(pod.build()).create();
        return this;
    }

    /** The pod's istio-proxy container cannot be written to. */
    MockCluster readOnlySidecar(String namespace, String pod) {
        shells.readOnly(namespace, pod, "istio-proxy");
        return this;
    }

    /** A cluster whose Istio lacks this kind: its CRD is gone and its API answers 404. */
    MockCluster without(IstioKind kind) {
        client.apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName(kind.plural() + "."
                        + kind.apiVersion().substring(0, kind.apiVersion().indexOf('/')))
                .delete();
        shells.unserve(kind.apiVersion(), kind.plural());
        return this;
    }

    /** A file in the pod's istio-proxy container. */
    Optional<byte[]> sidecarFile(String namespace, String pod, String path) {
        return shells.file(namespace, pod, "istio-proxy", path);
    }

    /** Every file in the pod's istio-proxy container. */
    List<String> sidecarFiles(String namespace, String pod) {
        return shells.files(namespace, pod, "istio-proxy");
    }

    /** How many execs ran a command line (its words joined by spaces) that matches {@code commandLine}. */
    long ran(Pattern commandLine) {
        return shells.ran(commandLine);
    }

    /** How many execs ran exactly this command line. */
    long ran(String commandLine) {
        return shells.ran(Pattern.compile(Pattern.quote(commandLine)));
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
        shells.close();
    }
}
