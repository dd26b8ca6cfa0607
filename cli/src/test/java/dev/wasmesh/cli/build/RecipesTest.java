package dev.wasmesh.cli.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecipesTest {
    @TempDir
    Path dir;

    @Test
    void theRustModuleIsNamedAfterThePackageWithUnderscores() throws Exception {
        Path toml = Files.writeString(
                dir.resolve("Cargo.toml"),
                "[package]\nname = \"my-filter\"\nversion = \"0.1.0\"\n\n[dependencies]\nname = \"not-this\"\n");

        assertThat(Recipes.cargoLibraryName(toml)).isEqualTo("my_filter");
    }

    @Test
    void aLibSectionNameWins() throws Exception {
        Path toml = Files.writeString(
                dir.resolve("Cargo.toml"),
                "[package]\nname = \"pkg\"\n\n[lib]\ncrate-type = [\"cdylib\"]\nname = \"lib-name\"\n");

        assertThat(Recipes.cargoLibraryName(toml)).isEqualTo("lib_name");
    }

    @Test
    void aCargoTomlWithoutANameIsRefused() throws Exception {
        Path toml = Files.writeString(dir.resolve("Cargo.toml"), "[workspace]\nmembers = []\n");

        assertThatThrownBy(() -> Recipes.cargoLibraryName(toml)).hasMessageContaining("has no [package] name");
    }

    @Test
    void stepsShowAsShellCommands() {
        BuildStep step = new BuildStep(
                java.util.List.of("go", "build", "."), java.util.Map.of("GOOS", "wasip1", "GOARCH", "wasm"));

        assertThat(step.display()).isEqualTo("GOARCH=wasm GOOS=wasip1 go build .");
    }
}
