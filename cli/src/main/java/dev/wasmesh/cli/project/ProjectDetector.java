package dev.wasmesh.cli.project;

import dev.wasmesh.cli.CliException;
import dev.wasmesh.cli.ExitCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/** Tells which language a filter project is written in: from its marker first, else from its build files. */
public final class ProjectDetector {
    private ProjectDetector() {}

    public static Language detect(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CliException(ExitCode.USAGE, dir + " is not a directory");
        }
        return ProjectMarker.read(dir).map(ProjectMarker::language).orElseGet(() -> fromBuildFiles(dir));
    }

    private static Language fromBuildFiles(Path dir) {
        if (Files.isRegularFile(dir.resolve("package.json")) && Files.isRegularFile(dir.resolve("asconfig.json"))) {
            return Language.ASSEMBLYSCRIPT;
        }
        if (Files.isRegularFile(dir.resolve("Cargo.toml"))) {
            return Language.RUST;
        }
        Path goMod = dir.resolve("go.mod");
        if (Files.isRegularFile(goMod)) {
            return mentionsTinyGo(goMod) ? Language.TINYGO : Language.GO;
        }
        boolean hasBuildFile =
                Files.isRegularFile(dir.resolve("Makefile")) || Files.isRegularFile(dir.resolve("CMakeLists.txt"));
        if (hasBuildFile && hasCppSource(dir)) {
            return Language.CPP;
        }
        throw new CliException(
                ExitCode.USAGE,
                "no proxy-wasm project found in "
                        + dir
                        + " (looked for "
                        + ProjectMarker.FILE
                        + ", package.json + asconfig.json, Cargo.toml, go.mod, or a Makefile/CMakeLists.txt with C++ sources);"
                        + " create one with `wasmesh init`");
    }

    /** TinyGo projects say so in go.mod, or require the SDK line that only TinyGo builds. */
    private static boolean mentionsTinyGo(Path goMod) {
        try {
            String text = Files.readString(goMod, StandardCharsets.UTF_8);
            return text.toLowerCase(Locale.ROOT).contains("tinygo")
                    || text.contains("github.com/tetratelabs/proxy-wasm-go-sdk");
        } catch (IOException e) {
            throw new CliException(ExitCode.IO_ERROR, "cannot read " + goMod + ": " + e.getMessage(), e);
        }
    }

    private static boolean hasCppSource(Path dir) {
        try (Stream<Path> files = Files.walk(dir, 3)) {
            return files.map(p -> p.getFileName().toString())
                    .anyMatch(n -> n.endsWith(".cc") || n.endsWith(".cpp") || n.endsWith(".cxx"));
        } catch (IOException e) {
            throw new CliException(ExitCode.IO_ERROR, "cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
