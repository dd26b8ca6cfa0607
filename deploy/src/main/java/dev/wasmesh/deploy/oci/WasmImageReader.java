package dev.wasmesh.deploy.oci;

import dev.wasmesh.deploy.DeployException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Takes the module out of a pulled image with the rules of Istio's image fetcher, so that whatever wasmesh can pull,
 * Istio's agent can pull too. A Docker manifest: {@code plugin.wasm} in the last layer, a Docker tar.gz. Any other
 * manifest: {@code plugin.wasm} in the last layer if that is an OCI tar.gz (compat), else the raw module layer of an
 * image with exactly two layers (oci, the runtime config being the other one).
 */
public final class WasmImageReader {
    /** The module and the variant it was found in. */
    public record Extracted(ImageVariant variant, byte[] module) {}

    private WasmImageReader() {}

    /** @param blobs fetches (and verifies) the blob that a descriptor names */
    public static Extracted extract(Manifest manifest, Function<Descriptor, byte[]> blobs, String what) {
        String type = manifest.mediaType();
        List<Descriptor> layers = manifest.layers();
        if (MediaTypes.DOCKER_MANIFEST.equals(type)) {
            if (layers.isEmpty()) {
                throw new DeployException(what + " has no layers");
            }
            Descriptor last = layers.get(layers.size() - 1);
            if (!MediaTypes.DOCKER_LAYER_TAR_GZIP.equals(last.mediaType())) {
                throw new DeployException(what + " is a Docker image whose last layer is " + last.mediaType() + ", not "
                        + MediaTypes.DOCKER_LAYER_TAR_GZIP + " holding " + WasmImageBuilder.PLUGIN_FILE);
            }
            return new Extracted(ImageVariant.DOCKER, pluginFromTarGz(blobs.apply(last), what));
        }
        if (!(MediaTypes.OCI_MANIFEST.equals(type) || type == null)) {
            throw new DeployException(what + " has manifest media type " + type + ", which holds no Wasm module");
        }
        if (!layers.isEmpty()
                && MediaTypes.OCI_LAYER_TAR_GZIP.equals(
                        layers.get(layers.size() - 1).mediaType())) {
            return new Extracted(
                    ImageVariant.COMPAT, pluginFromTarGz(blobs.apply(layers.get(layers.size() - 1)), what));
        }
        Optional<Descriptor> wasmLayer = layers.stream()
                .filter(l -> MediaTypes.WASM_LAYER.equals(l.mediaType()))
                .findFirst();
        if (wasmLayer.isPresent() && layers.size() == 2) {
            return new Extracted(ImageVariant.OCI, blobs.apply(wasmLayer.get()));
        }
        String found = layers.isEmpty()
                ? "no layers"
                : layers.size() + " layer" + (layers.size() == 1 ? "" : "s") + " ("
                        + layers.stream().map(Descriptor::mediaType).collect(Collectors.joining(", ")) + ")";
        throw new DeployException(what + " is not a Wasm image Istio can load: it has " + found + "; expected a last"
                + " layer " + MediaTypes.OCI_LAYER_TAR_GZIP + " holding " + WasmImageBuilder.PLUGIN_FILE
                + " (compat), or"
                + " two layers, " + MediaTypes.WASM_CONFIG + " and " + MediaTypes.WASM_LAYER + " (oci)");
    }

    private static byte[] pluginFromTarGz(byte[] layer, String what) {
        byte[] tar = Tar.gunzip(layer, "the layer of " + what);
        return Tar.find(tar, WasmImageBuilder.PLUGIN_FILE, "the layer of " + what)
                .orElseThrow(
                        () -> new DeployException(what + " has no " + WasmImageBuilder.PLUGIN_FILE + " in its layer"));
    }
}
