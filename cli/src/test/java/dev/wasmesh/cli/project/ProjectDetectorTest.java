package dev.wasmesh.cli.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wasmesh.cli.CliException;
import dev.wasmesh.cli.ExitCode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectDetectorTest {
    @TempDir
    Path dir;

    @Test
    void theMarkerWinsOverBuildFiles() throws Exception {
        Files.writeString(dir.resolve("Cargo.toml"), "[package]\nname = \"x\"\n");
        Files.writeString(dir.resolve(ProjectMarker.FILE), new ProjectMarker(Language.GO, "x", "r").toJson());

        assertThat(ProjectDetector.detect(dir)).isEqualTo(Language.GO);
    }

    @Test
    void assemblyScriptNeedsPackageJsonAndAsconfig() throws Exception {
        Files.writeString(dir.resolve("package.json"), "{}");
        assertThatThrownBy(() -> ProjectDetector.detect(dir)).isInstanceOf(CliException.class);

        Files.writeString(dir.resolve("asconfig.json"), "{}");
        assertThat(ProjectDetector.detect(dir)).isEqualTo(Language.ASSEMBLYSCRIPT);
    }

    @Test
    void cargoTomlMeansRust() throws Exception {
        Files.writeString(dir.resolve("Cargo.toml"), "[package]\nname = \"x\"\n");

        assertThat(ProjectDetector.detect(dir)).isEqualTo(Language.RUST);
    }

    @Test
    void goModIsTinyGoWhenItSaysSoOrUsesTheTinyGoSdk() throws Exception {
        Files.writeString(dir.resolve("go.mod"), "module x\n\ngo 1.24\n");
        assertThat(ProjectDetector.detect(dir)).isEqualTo(Language.GO);

        Files.writeString(dir.resolve("go.mod"), "module x\n// built with TinyGo\ngo 1.21\n");
        assertThat(ProjectDetector.detect(dir)).isEqualTo(Language.TINYGO);

        Files.writeString(
                dir.resolve("go.mod"), "module x\ngo 1.21\nrequire github.com/tetratelabs/proxy-wasm-go-sdk v0.24.0\n");
        assertThat(ProjectDetector.detect(dir)).isEqualTo(Language.TINYGO);
    }

    @Test
    void aMakefileOrCMakeListsWithCppSourcesIsCpp() throws Exception {
        Files.writeString(dir.resolve("CMakeLists.txt"), "project(x)\n");
        assertThatThrownBy(() -> ProjectDetector.detect(dir)).hasMessageContaining("no proxy-wasm project found");

        Files.createDirectories(dir.resolve("src"));
        Files.writeString(dir.resolve("src/filter.cpp"), "");
        assertThat(ProjectDetector.detect(dir)).isEqualTo(Language.CPP);
    }

    @Test
    void aBrokenMarkerIsAUsageError() throws Exception {
        Files.writeString(dir.resolve(ProjectMarker.FILE), "{\"language\": \"cobol\"}");
        assertThatThrownBy(() -> ProjectDetector.detect(dir))
                .isInstanceOfSatisfying(
                        CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
                .hasMessageContaining("unknown language 'cobol'");

        Files.writeString(dir.resolve(ProjectMarker.FILE), "{not json");
        assertThatThrownBy(() -> ProjectDetector.detect(dir)).hasMessageContaining("is not valid JSON");
    }
}
