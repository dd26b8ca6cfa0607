package dev.wasmesh.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DeploymentNamesTest {
    @Test
    void derivesKubernetesNamesFromFilesImagesAndUrls() {
        assertThat(IstioDeployCommand.DeploymentNames.from("examples/seed/filter.wasm"))
                .isEqualTo("filter");
        assertThat(IstioDeployCommand.DeploymentNames.from("oci://ghcr.io/acme/Rate_Limit:1.0"))
                .isEqualTo("rate-limit");
        assertThat(IstioDeployCommand.DeploymentNames.from("oci://localhost:5000/auth@sha256:" + "a".repeat(64)))
                .isEqualTo("auth");
        assertThat(IstioDeployCommand.DeploymentNames.from("https://example.com/dl/add.header.wasm.tar.gz?x=1"))
                .isEqualTo("add-header");
        assertThat(IstioDeployCommand.DeploymentNames.from("x".repeat(80) + ".wasm"))
                .hasSize(63);
    }

    @Test
    void asksForANameWhenNoneCanBeDerived() {
        assertThatThrownBy(() -> IstioDeployCommand.DeploymentNames.from("___.wasm"))
                .hasMessage("cannot derive a deployment name from '___.wasm': pass --name");
    }
}
