package dev.wasmesh.deploy.oci;

/** Pushes an image: the blobs the registry lacks, then the manifest under the reference's tag (or digest). */
public final class WasmImagePusher {
    private final RegistryClient registry;

    public WasmImagePusher(RegistryClient registry) {
        this.registry = registry;
    }

    /** @return the reference pinned to the pushed manifest's digest */
    public ImageReference push(WasmImage image, ImageReference ref) {
        byte[] manifest = image.manifestBytes();
        if (ref.digest() != null && !ref.digest().equals(Digests.sha256(manifest))) {
            throw new dev.wasmesh.deploy.DeployException("cannot push to " + ref + ": the image's digest is "
                    + Digests.sha256(manifest) + ", push to a tag instead");
        }
        for (WasmImage.Blob blob : image.blobs()) {
            if (!registry.blobExists(ref, blob.descriptor().digest())) {
                registry.uploadBlob(ref, blob);
            }
        }
        String digest = registry.putManifest(
                ref, ref.manifestReference(), image.manifest().mediaType(), manifest);
        return ref.withDigest(digest);
    }
}
