package dev.wasmesh.cli.build;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The checks a build runs before starting its tools, so a missing tool is one clear line, not a stack of errors. */
final class Toolchain {
    private static final Pattern GO_VERSION = Pattern.compile("go(\\d+)\\.(\\d+)");

    private Toolchain() {}

    /** The first executable called {@code name} on PATH, as the build's processes will find it. */
    static Optional<Path> onPath(String name) {
        if (name.contains("/")) {
            Path path = Path.of(name);
            return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        String pathVariable = System.getenv("PATH");
        if (pathVariable == null) {
            return Optional.empty();
        }
        for (String dir : pathVariable.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static Requirement executable(String name, String install) {
        return () -> onPath(name).isPresent() ? Optional.empty() : Optional.of(name + " not found on PATH: " + install);
    }

    static Requirement directory(Path dir, String what, String install) {
        return () ->
                Files.isDirectory(dir) ? Optional.empty() : Optional.of(what + " not found at " + dir + ": " + install);
    }

    /** Like {@link #directory}, for something that installs in one of several places; the message names the first. */
    static Requirement anyDirectory(List<Path> dirs, String what, String install) {
        return () -> dirs.stream().anyMatch(Files::isDirectory)
                ? Optional.empty()
                : Optional.of(what + " not found at " + dirs.get(0) + ": " + install);
    }

    /** clang links every wasm32 module against its compiler-rt builtins, which distributions package separately. */
    static Requirement clangBuiltins(String compiler, String install) {
        return () -> {
            Optional<String> library =
                    ProcessRunner.capture(List.of(compiler, "--target=wasm32-wasi", "-print-libgcc-file-name"));
            return library.map(Path::of).filter(Files::isRegularFile).isPresent()
                    ? Optional.empty()
                    : Optional.of("clang's wasm32 builtins not found"
                            + library.map(l -> " at " + l).orElse("") + ": " + install);
        };
    }

    /** Go builds WASI reactors ({@code -buildmode=c-shared}, {@code go:wasmexport}) only from 1.24 on. */
    static Requirement goAtLeast(int major, int minor, String install) {
        return () -> {
            String reported =
                    ProcessRunner.capture(List.of("go", "env", "GOVERSION")).orElse("");
            Matcher version = GO_VERSION.matcher(reported);
            if (!version.find()) {
                return Optional.of(
                        "cannot tell the Go version (`go env GOVERSION` said '" + reported + "'): " + install);
            }
            int foundMajor = Integer.parseInt(version.group(1));
            int foundMinor = Integer.parseInt(version.group(2));
            boolean tooOld = foundMajor < major || (foundMajor == major && foundMinor < minor);
            return tooOld
                    ? Optional.of("Go " + foundMajor + "." + foundMinor + " is too old, this project needs Go >= "
                            + major + "." + minor + ": " + install)
                    : Optional.empty();
        };
    }

    /** rustup installs a target's standard library under the sysroot; without it cargo fails deep in the build. */
    static Requirement rustTarget(String target) {
        return () -> {
            Optional<String> sysroot = ProcessRunner.capture(List.of("rustc", "--print", "sysroot"));
            boolean installed = sysroot.map(root -> Files.isDirectory(Path.of(root, "lib", "rustlib", target)))
                    .orElse(false);
            return installed
                    ? Optional.empty()
                    : Optional.of(
                            "Rust target " + target + " is not installed: run `rustup target add " + target + "`");
        };
    }
}
