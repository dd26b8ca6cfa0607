package dev.wasmesh.deploy.oci;

import dev.wasmesh.deploy.DeployException;
import java.util.List;
import java.util.function.Function;

/**
 * Takes the module out of a pulled image with the rules of Istio's image fetcher, so that whatever wasmesh can pull,
 * Istio's agent can pull too: a Docker manifest means the module is {@code plugin.wasm} in the last tar.gz layer; an
 * OCI manifest with the Wasm config type means the raw Wasm layer; any other OCI manifest must have exactly one tar.gz
 * layer holding {@code plugin.wasm}.
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
      return new Extracted(ImageVariant.DOCKER, pluginFromTarGz(blobs.apply(layers.get(layers.size() - 1)), what));
    }
    if (!(MediaTypes.OCI_MANIFEST.equals(type) || type == null) || manifest.config() == null) {
      throw new DeployException(what + " has manifest media type " + type + ", which holds no Wasm module");
    }
    if (MediaTypes.WASM_CONFIG.equals(manifest.config().mediaType())) {
      Descriptor wasmLayer = layers.stream()
          .filter(l -> MediaTypes.WASM_LAYER.equals(l.mediaType()))
          .findFirst()
          .orElseThrow(() -> new DeployException(
              what + " has the Wasm config type but no " + MediaTypes.WASM_LAYER + " layer"));
      return new Extracted(ImageVariant.OCI, blobs.apply(wasmLayer));
    }
    if (layers.size() != 1) {
      throw new DeployException(
          what + " must have exactly one layer to be a compat Wasm image, it has " + layers.size());
    }
    Descriptor layer = layers.get(0);
    if (!MediaTypes.OCI_LAYER_TAR_GZIP.equals(layer.mediaType())) {
      throw new DeployException(what + " has a layer of type " + layer.mediaType() + ", expected "
          + MediaTypes.OCI_LAYER_TAR_GZIP);
    }
    return new Extracted(ImageVariant.COMPAT, pluginFromTarGz(blobs.apply(layer), what));
  }

  private static byte[] pluginFromTarGz(byte[] layer, String what) {
    byte[] tar = Tar.gunzip(layer, "the layer of " + what);
    return Tar.find(tar, WasmImageBuilder.PLUGIN_FILE, "the layer of " + what)
        .orElseThrow(() -> new DeployException(what + " has no " + WasmImageBuilder.PLUGIN_FILE + " in its layer"));
  }
}
