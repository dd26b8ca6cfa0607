package dev.wasmesh.deploy.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wasmesh.deploy.DeployException;
import org.junit.jupiter.api.Test;

class ImageReferenceTest {
    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    @Test
    void readsRegistryRepositoryTagAndDigest() {
        assertThat(ImageReference.parse("oci://localhost:5000/acme/filter:1.2@" + DIGEST))
                .isEqualTo(new ImageReference("localhost:5000", "acme/filter", "1.2", DIGEST));
        assertThat(ImageReference.parse("ghcr.io/acme/filter"))
                .isEqualTo(new ImageReference("ghcr.io", "acme/filter", "latest", null));
        assertThat(ImageReference.parse("127.0.0.1:5000/f@" + DIGEST))
                .isEqualTo(new ImageReference("127.0.0.1:5000", "f", null, DIGEST));
    }

    @Test
    void namesWithoutARegistryAreOnDockerHub() {
        ImageReference ref = ImageReference.parse("filter:v1");
        assertThat(ref).isEqualTo(new ImageReference("docker.io", "library/filter", "v1", null));
        assertThat(ref.apiHost()).isEqualTo("registry-1.docker.io");
        assertThat(ImageReference.parse("acme/filter").registry()).isEqualTo("docker.io");
    }

    @Test
    void printsBackWhatItRead() {
        assertThat(ImageReference.parse("localhost:5000/acme/filter:1.2").toString())
                .isEqualTo("localhost:5000/acme/filter:1.2");
        assertThat(ImageReference.parse("localhost:5000/acme/filter:1.2")
                        .withDigest(DIGEST)
                        .manifestReference())
                .isEqualTo(DIGEST);
    }

    @Test
    void refusesMalformedReferences() {
        assertThatThrownBy(() -> ImageReference.parse("localhost:5000/Acme/Filter:v1"))
                .isInstanceOf(DeployException.class)
                .hasMessageContaining("is not an image reference");
        assertThatThrownBy(() -> ImageReference.parse("localhost:5000/acme@sha256:xyz"))
                .hasMessage("image reference 'localhost:5000/acme@sha256:xyz' has an invalid digest 'sha256:xyz'");
    }
}
