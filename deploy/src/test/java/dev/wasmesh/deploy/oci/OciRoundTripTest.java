package dev.wasmesh.deploy.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.wasmesh.deploy.DeployException;
import dev.wasmesh.deploy.testing.LocalRegistry;
import dev.wasmesh.deploy.testing.TestModules;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OciRoundTripTest {
    @RegisterExtension
    static final LocalRegistry registry = LocalRegistry.anonymous();

    private final RegistryClient client = new RegistryClient(RegistryClient.Settings.defaults()
            .withPlainHttp(true)
            .withCredentials(CredentialSource.anonymous())
            .withRetry(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(20))));

    private ImageReference push(ImageVariant variant, byte[] module, String repo) {
        WasmImage image = WasmImageBuilder.build(variant, module, "0.2.1", null);
        return new WasmImagePusher(client).push(image, ImageReference.parse(registry.host() + "/" + repo + ":v1"));
    }

    @ParameterizedTest
    @EnumSource(ImageVariant.class)
    void pushThenPullGivesBackTheSameBytes(ImageVariant variant) {
        byte[] module = TestModules.seedFilter();
        ImageReference pushed = push(variant, module, "filters/seed-" + variant.label());

        WasmImagePuller.Pulled pulled = new WasmImagePuller(client)
                .pull(ImageReference.parse(registry.host() + "/filters/seed-" + variant.label() + ":v1"));

        assertThat(pulled.module()).isEqualTo(module);
        assertThat(pulled.variant()).isEqualTo(variant);
        assertThat(pulled.pinned().digest()).isEqualTo(pushed.digest()).startsWith("sha256:");
    }

    @ParameterizedTest
    @EnumSource(ImageVariant.class)
    void largeModulesRoundTripToo(ImageVariant variant) {
        byte[] module = TestModules.minimal("proxy_abi_version_0_2_1", 3 << 20);
        push(variant, module, "filters/large-" + variant.label());

        byte[] pulled = new WasmImagePuller(client)
                .pull(ImageReference.parse(registry.host() + "/filters/large-" + variant.label() + ":v1"))
                .module();

        assertThat(pulled).isEqualTo(module);
    }

    @Test
    void largeBlobsShowProgressOnStderr() {
        RegistryClient showing = new RegistryClient(RegistryClient.Settings.defaults()
                .withPlainHttp(true)
                .withCredentials(CredentialSource.anonymous())
                .withProgress(true));
        byte[] module = TestModules.minimal("proxy_abi_version_0_2_1", 2 << 20);
        WasmImage image = WasmImageBuilder.build(ImageVariant.OCI, module, "0.2.1", null);
        ImageReference ref = ImageReference.parse(registry.host() + "/progress/large:v1");
        String task = RegistryClient.shortDigest(Digests.sha256(module));
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
        try {
            new WasmImagePusher(showing).push(image, ref);
            String config = RegistryClient.shortDigest(image.manifest().config().digest());
            assertThat(stderr.toString(StandardCharsets.UTF_8))
                    .contains("push " + task, "100%")
                    .as("the config blob is too small for a bar")
                    .doesNotContain(config);

            stderr.reset();
            assertThat(new WasmImagePuller(showing).pull(ref).module()).isEqualTo(module);
            assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("pull " + task, "100%");
        } finally {
            System.setErr(original);
        }
    }

    @Test
    void theRegistryServesTheLayoutEachVariantPromises() {
        byte[] module = TestModules.seedFilter();
        ImageReference compat = push(ImageVariant.COMPAT, module, "layout/compat");
        ImageReference oci = push(ImageVariant.OCI, module, "layout/oci");
        ImageReference docker = push(ImageVariant.DOCKER, module, "layout/docker");

        Manifest compatManifest = client.getManifest(compat, compat.digest()).manifest();
        assertThat(compatManifest.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
        assertThat(compatManifest.annotations()).containsEntry("module.wasm.image/variant", "compat");
        assertThat(compatManifest.layers())
                .singleElement()
                .extracting(Descriptor::mediaType)
                .isEqualTo(MediaTypes.OCI_LAYER_TAR_GZIP);

        Manifest ociManifest = client.getManifest(oci, oci.digest()).manifest();
        assertThat(ociManifest.config().mediaType()).isEqualTo("application/vnd.module.wasm.config.v1+json");
        assertThat(ociManifest.layers())
                .as("Istio's agent wants the runtime config and the module as layers")
                .extracting(
                        Descriptor::mediaType,
                        Descriptor::digest,
                        d -> d.annotations().get(MediaTypes.TITLE_ANNOTATION))
                .containsExactly(
                        tuple(
                                "application/vnd.module.wasm.config.v1+json",
                                ociManifest.config().digest(),
                                "runtime-config.json"),
                        tuple(
                                "application/vnd.module.wasm.content.layer.v1+wasm",
                                Digests.sha256(module),
                                "plugin.wasm"));
        String runtimeConfig = new String(client.getBlob(oci, ociManifest.config()), StandardCharsets.UTF_8);
        assertThat(runtimeConfig).isEqualTo("{\"type\":\"envoy_proxy\",\"abiVersions\":[\"v0.2.1\"]}");

        Manifest dockerManifest = client.getManifest(docker, docker.digest()).manifest();
        assertThat(dockerManifest.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
        assertThat(dockerManifest.config().mediaType()).isEqualTo(MediaTypes.DOCKER_CONFIG);
        assertThat(dockerManifest.layers())
                .singleElement()
                .extracting(Descriptor::mediaType)
                .isEqualTo(MediaTypes.DOCKER_LAYER_TAR_GZIP);
    }

    @Test
    void aGivenRuntimeConfigBecomesTheOciConfigBlob() {
        byte[] config = "{\"type\":\"envoy_proxy\",\"abiVersions\":[\"v0.2.1\"],\"config\":{\"rootIds\":[\"seed\"]}}"
                .getBytes(StandardCharsets.UTF_8);
        WasmImage image = WasmImageBuilder.build(ImageVariant.OCI, TestModules.seedFilter(), "0.2.1", config);
        ImageReference ref =
                new WasmImagePusher(client).push(image, ImageReference.parse(registry.host() + "/cfg/oci:v1"));

        Manifest manifest = client.getManifest(ref, ref.digest()).manifest();

        assertThat(client.getBlob(ref, manifest.config())).isEqualTo(config);
    }

    @Test
    void pushingTheSameImageAgainKeepsItsDigest() {
        byte[] module = TestModules.seedFilter();
        ImageReference first = push(ImageVariant.COMPAT, module, "again/seed");
        ImageReference second = push(ImageVariant.COMPAT, module, "again/seed");

        assertThat(second.digest()).isEqualTo(first.digest());
    }

    @Test
    void aTamperedLayerIsRefused() throws Exception {
        byte[] module = TestModules.seedFilter();
        ImageReference ref = push(ImageVariant.OCI, module, "tamper/layer");
        Path data = registry.blobData(Digests.sha256(module));
        byte[] tampered = Files.readAllBytes(data);
        tampered[tampered.length - 1] ^= 1;
        Files.write(data, tampered);

        assertThatThrownBy(() -> new WasmImagePuller(client).pull(ref))
                .isInstanceOf(DeployException.class)
                .hasMessageStartingWith("digest mismatch for blob sha256:")
                .hasMessageContaining("refusing it");
    }

    @Test
    void aTamperedManifestIsRefused() throws Exception {
        ImageReference ref = push(ImageVariant.COMPAT, TestModules.seedFilter(), "tamper/manifest");
        Path data = registry.blobData(ref.digest());
        Files.writeString(data, Files.readString(data).replace("\"compat\"", "\"kompat\""));

        assertThatThrownBy(() ->
                        new WasmImagePuller(client).pull(ImageReference.parse(registry.host() + "/tamper/manifest:v1")))
                .isInstanceOf(DeployException.class)
                .hasMessage("digest mismatch for the manifest of " + registry.host() + "/tamper/manifest:v1: expected "
                        + ref.digest() + " but the content is " + Digests.sha256(Files.readAllBytes(data))
                        + "; refusing it");
    }

    @Test
    void anUnknownTagOrDigestIsNotFound() {
        assertThatThrownBy(() ->
                        new WasmImagePuller(client).pull(ImageReference.parse(registry.host() + "/nothing/here:v9")))
                .isInstanceOf(DeployException.class)
                .hasMessageStartingWith(
                        "image " + registry.host() + "/nothing/here:v9 not found in " + registry.host());
        String digest = "sha256:" + "0".repeat(64);
        push(ImageVariant.COMPAT, TestModules.seedFilter(), "pinned/seed");
        assertThatThrownBy(() -> new WasmImagePuller(client)
                        .pull(ImageReference.parse(registry.host() + "/pinned/seed@" + digest)))
                .hasMessageStartingWith("image " + registry.host() + "/pinned/seed@" + digest + " not found");
    }

    @Test
    void anUnreachableRegistryIsNamed() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ImageReference ref = ImageReference.parse("127.0.0.1:" + closedPort + "/x/y:v1");

        assertThatThrownBy(() -> new WasmImagePuller(client).pull(ref))
                .isInstanceOf(DeployException.class)
                .hasMessage("registry 127.0.0.1:" + closedPort + " unreachable at http://127.0.0.1:" + closedPort
                        + ": connection refused");
    }
}
