package dev.wasmesh.deploy.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wasmesh.deploy.DeployException;
import dev.wasmesh.deploy.testing.TestModules;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The layouts Istio's image fetcher accepts, and those it refuses, read from manifests other tools write. */
class WasmImageReaderTest {
    private static final byte[] MODULE = TestModules.seedFilter();
    private final Map<String, byte[]> blobs = new HashMap<>();

    private Descriptor blob(String mediaType, byte[] content) {
        Descriptor descriptor = Descriptor.of(mediaType, content);
        blobs.put(descriptor.digest(), content);
        return descriptor;
    }

    private WasmImageReader.Extracted read(String manifestType, Descriptor... layers) {
        Descriptor config = blob(MediaTypes.OCI_CONFIG, "{}".getBytes(StandardCharsets.UTF_8));
        Manifest manifest = Manifest.image(manifestType, config, List.of(layers), null);
        return WasmImageReader.extract(manifest, d -> blobs.get(d.digest()), "image x");
    }

    @Test
    void readsWhatWasmeshBuildsInEveryVariant() {
        for (ImageVariant variant : ImageVariant.values()) {
            WasmImage image = WasmImageBuilder.build(variant, MODULE, "0.2.1", null);
            image.blobs().forEach(b -> blobs.put(b.descriptor().digest(), b.content()));

            WasmImageReader.Extracted extracted =
                    WasmImageReader.extract(image.manifest(), d -> blobs.get(d.digest()), "image x");

            assertThat(extracted.variant()).isEqualTo(variant);
            assertThat(extracted.module()).isEqualTo(MODULE);
        }
    }

    @Test
    void compatTakesPluginWasmFromTheLastLayer() {
        Descriptor base = blob(MediaTypes.OCI_LAYER_TAR_GZIP, Tar.gzipSingleFile("README", new byte[] {1}));
        Descriptor plugin = blob(MediaTypes.OCI_LAYER_TAR_GZIP, Tar.gzipSingleFile("./build/plugin.wasm", MODULE));

        WasmImageReader.Extracted extracted = read(null, base, plugin);

        assertThat(extracted.variant()).isEqualTo(ImageVariant.COMPAT);
        assertThat(extracted.module()).isEqualTo(MODULE);
    }

    @Test
    void theOciVariantNeedsTheModuleAndAnotherLayer() {
        Descriptor wasm = blob(MediaTypes.WASM_LAYER, MODULE);
        Descriptor runtimeConfig =
                blob(MediaTypes.WASM_CONFIG, "{\"type\":\"envoy_proxy\"}".getBytes(StandardCharsets.UTF_8));

        assertThat(read(MediaTypes.OCI_MANIFEST, wasm, runtimeConfig).module())
                .as("in either order")
                .isEqualTo(MODULE);
        assertThatThrownBy(() -> read(MediaTypes.OCI_MANIFEST, wasm))
                .isInstanceOf(DeployException.class)
                .hasMessage("image x is not a Wasm image Istio can load: it has 1 layer"
                        + " (application/vnd.module.wasm.content.layer.v1+wasm); expected a last layer"
                        + " application/vnd.oci.image.layer.v1.tar+gzip holding plugin.wasm (compat), or two layers,"
                        + " application/vnd.module.wasm.config.v1+json and application/vnd.module.wasm.content.layer.v1+wasm"
                        + " (oci)");
    }

    @Test
    void refusesLayoutsIstioRefuses() {
        Descriptor dockerLayer = blob(MediaTypes.DOCKER_LAYER_TAR_GZIP, Tar.gzipSingleFile("plugin.wasm", MODULE));
        Descriptor ociLayer = blob(MediaTypes.OCI_LAYER_TAR_GZIP, Tar.gzipSingleFile("plugin.wasm", MODULE));
        Descriptor noPlugin = blob(MediaTypes.OCI_LAYER_TAR_GZIP, Tar.gzipSingleFile("filter.wasm", MODULE));

        assertThatThrownBy(() -> read(MediaTypes.DOCKER_MANIFEST, ociLayer))
                .hasMessage(
                        "image x is a Docker image whose last layer is application/vnd.oci.image.layer.v1.tar+gzip, not"
                                + " application/vnd.docker.image.rootfs.diff.tar.gzip holding plugin.wasm");
        assertThatThrownBy(() -> read(MediaTypes.OCI_MANIFEST, dockerLayer))
                .hasMessageStartingWith("image x is not a Wasm image Istio can load: it has 1 layer"
                        + " (application/vnd.docker.image.rootfs.diff.tar.gzip)");
        assertThatThrownBy(() -> read(MediaTypes.OCI_MANIFEST, noPlugin))
                .hasMessage("image x has no plugin.wasm in its layer");
        assertThatThrownBy(() -> read(MediaTypes.OCI_MANIFEST))
                .hasMessageStartingWith("image x is not a Wasm image Istio can load: it has no layers");
        assertThatThrownBy(() -> read("application/vnd.oci.artifact.manifest.v1+json", ociLayer))
                .hasMessage(
                        "image x has manifest media type application/vnd.oci.artifact.manifest.v1+json, which holds no"
                                + " Wasm module");
    }
}
