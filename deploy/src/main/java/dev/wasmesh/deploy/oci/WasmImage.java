package dev.wasmesh.deploy.oci;

import java.util.List;

/** A complete image ready to push: its manifest and every blob that the manifest names, config first. */
public record WasmImage(ImageVariant variant, Manifest manifest, List<Blob> blobs) {
    /** Content with its descriptor. */
    public record Blob(Descriptor descriptor, byte[] content) {}

    public byte[] manifestBytes() {
        return manifest.toJson();
    }
}
