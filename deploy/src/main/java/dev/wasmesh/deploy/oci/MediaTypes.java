package dev.wasmesh.deploy.oci;

/** The media types of the manifests, configs and layers that Istio's image fetcher understands. */
public final class MediaTypes {
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String OCI_LAYER_TAR_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    public static final String DOCKER_LAYER_TAR_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    public static final String WASM_CONFIG = "application/vnd.module.wasm.config.v1+json";
    public static final String WASM_LAYER = "application/vnd.module.wasm.content.layer.v1+wasm";

    /** The manifest annotation that marks the compat variant. */
    public static final String VARIANT_ANNOTATION = "module.wasm.image/variant";
    /** The file name of a layer, which {@code oras pull} writes it to. */
    public static final String TITLE_ANNOTATION = "org.opencontainers.image.title";

    /** What a pull accepts, in the Accept header: every manifest and index form above. */
    public static final String MANIFEST_ACCEPT =
            String.join(", ", OCI_MANIFEST, DOCKER_MANIFEST, OCI_INDEX, DOCKER_MANIFEST_LIST);

    private MediaTypes() {}

    static boolean isIndex(String mediaType) {
        return OCI_INDEX.equals(mediaType) || DOCKER_MANIFEST_LIST.equals(mediaType);
    }
}
