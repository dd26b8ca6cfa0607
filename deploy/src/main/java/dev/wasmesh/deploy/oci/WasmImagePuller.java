package dev.wasmesh.deploy.oci;

import dev.wasmesh.deploy.DeployException;

/** Pulls a Wasm module from an image of any variant, verifying every digest on the way. */
public final class WasmImagePuller {
    /** The module, the variant it came in, and the digest of the manifest it was read through. */
    public record Pulled(byte[] module, ImageVariant variant, ImageReference pinned) {}

    private final RegistryClient registry;

    public WasmImagePuller(RegistryClient registry) {
        this.registry = registry;
    }

    public Pulled pull(ImageReference ref) {
        RegistryClient.FetchedManifest fetched = registry.getManifest(ref, ref.manifestReference());
        ImageReference pinned = ref.withDigest(fetched.digest());
        Manifest manifest = fetched.manifest();
        if (manifest.isIndex()) {
            // A Wasm module runs on every platform, so any entry of an index will do; take the first.
            if (manifest.manifests() == null || manifest.manifests().isEmpty()) {
                throw new DeployException("image index " + ref + " lists no manifests");
            }
            String child = manifest.manifests().get(0).digest();
            manifest = registry.getManifest(ref, child).manifest();
        }
        WasmImageReader.Extracted extracted =
                WasmImageReader.extract(manifest, descriptor -> registry.getBlob(ref, descriptor), "image " + ref);
        return new Pulled(extracted.module(), extracted.variant(), pinned);
    }
}
