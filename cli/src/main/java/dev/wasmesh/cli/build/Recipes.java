package dev.wasmesh.cli.build;

import dev.wasmesh.cli.CliException;
import dev.wasmesh.cli.ExitCode;
import dev.wasmesh.cli.project.Language;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The build of each language's project as {@code wasmesh init} lays it out; see the templates' READMEs. */
final class Recipes {
    static final String RUST_TARGET = "wasm32-wasip1";
    private static final String OUTPUT = "filter.wasm";
    private static final String NODE = "install Node.js and npm (Debian/Ubuntu: apt-get install nodejs npm)";
    private static final String RUST = "install Rust with rustup (https://rustup.rs)";
    private static final String GO = "install Go >= 1.24 (https://go.dev/dl/)";
    private static final String TINYGO =
            "install TinyGo >= 0.32 (https://tinygo.org/getting-started/install/; not in Debian, so not on a machine without"
                    + " downloads), or use `wasmesh init --language go`, which builds with Go >= 1.24";
    private static final String CLANG =
            "apt-get install clang lld wasi-libc libc++-14-dev-wasm32 libclang-rt-14-dev-wasm32, or set WASM_CXX to a"
                    + " wasi-sdk clang++";
    private static final Pattern SECTION = Pattern.compile("(?m)^\\s*\\[([^\\]]+)]\\s*$");
    private static final Pattern NAME = Pattern.compile("(?m)^\\s*name\\s*=\\s*\"([^\"]+)\"");

    private Recipes() {}

    static BuildRecipe forProject(Language language, Path dir) {
        return switch (language) {
            case ASSEMBLYSCRIPT -> assemblyScript(dir);
            case RUST -> rust(dir);
            case GO -> go(dir);
            case TINYGO -> tinyGo(dir);
            case CPP -> cpp(dir);
        };
    }

    private static BuildRecipe assemblyScript(Path dir) {
        List<BuildStep> steps = new ArrayList<>();
        if (!Files.isDirectory(dir.resolve("node_modules"))) {
            steps.add(new BuildStep("npm", "install", "--no-audit", "--no-fund"));
        }
        steps.add(new BuildStep("npm", "run", "build"));
        return new BuildRecipe(
                Language.ASSEMBLYSCRIPT,
                List.of(Toolchain.executable("node", NODE), Toolchain.executable("npm", NODE)),
                steps,
                dir.resolve(OUTPUT));
    }

    private static BuildRecipe rust(Path dir) {
        String library = cargoLibraryName(dir.resolve("Cargo.toml"));
        return new BuildRecipe(
                Language.RUST,
                List.of(
                        Toolchain.executable("cargo", RUST),
                        Toolchain.executable("rustc", RUST),
                        Toolchain.rustTarget(RUST_TARGET)),
                List.of(new BuildStep("cargo", "build", "--target", RUST_TARGET, "--release")),
                dir.resolve("target").resolve(RUST_TARGET).resolve("release").resolve(library + ".wasm"));
    }

    private static BuildRecipe go(Path dir) {
        List<BuildStep> steps = goModuleSteps(dir);
        steps.add(new BuildStep(
                List.of("go", "build", "-buildmode=c-shared", "-o", OUTPUT, "."),
                Map.of("GOOS", "wasip1", "GOARCH", "wasm")));
        return new BuildRecipe(
                Language.GO,
                List.of(Toolchain.executable("go", GO), Toolchain.goAtLeast(1, 24, GO)),
                steps,
                dir.resolve(OUTPUT));
    }

    private static BuildRecipe tinyGo(Path dir) {
        List<BuildStep> steps = goModuleSteps(dir);
        steps.add(new BuildStep("tinygo", "build", "-o", OUTPUT, "-scheduler=none", "-target=wasi", "."));
        return new BuildRecipe(
                Language.TINYGO,
                List.of(Toolchain.executable("tinygo", TINYGO), Toolchain.executable("go", GO)),
                steps,
                dir.resolve(OUTPUT));
    }

    /** The go template pins the SDK in go.sum; without one (the tinygo template, or deleted) the build tidies first. */
    private static List<BuildStep> goModuleSteps(Path dir) {
        List<BuildStep> steps = new ArrayList<>();
        if (!Files.isRegularFile(dir.resolve("go.sum"))) {
            steps.add(new BuildStep("go", "mod", "tidy"));
        }
        return steps;
    }

    /** With PROXY_WASM_CPP_SDK set the Makefile builds with the official SDK (emscripten), else with clang. */
    private static BuildRecipe cpp(Path dir) {
        List<Requirement> requirements = new ArrayList<>();
        requirements.add(Toolchain.executable("make", "apt-get install make"));
        String sdk = System.getenv("PROXY_WASM_CPP_SDK");
        if (sdk != null && !sdk.isEmpty()) {
            requirements.add(Toolchain.directory(
                    Path.of(sdk), "PROXY_WASM_CPP_SDK", "point it at a proxy-wasm-cpp-sdk checkout"));
            requirements.add(Toolchain.executable(
                    "em++",
                    "install emscripten (https://emscripten.org), or unset PROXY_WASM_CPP_SDK to build standalone/"));
        } else {
            String compiler = System.getenv().getOrDefault("WASM_CXX", "clang++");
            String sysroot = System.getenv().getOrDefault("WASI_SYSROOT", "/usr");
            requirements.add(Toolchain.executable(compiler, CLANG));
            requirements.add(Toolchain.executable("wasm-ld", "apt-get install lld"));
            requirements.add(Toolchain.directory(
                    Path.of(sysroot, "lib", "wasm32-wasi"), "wasi-libc", "apt-get install wasi-libc"));
            // The C++ headers (<cstdint>...) and clang's builtins are separate packages; without them the compile fails
            // with a "file not found" deep in the output instead.
            requirements.add(Toolchain.anyDirectory(
                    List.of(
                            Path.of(sysroot, "include", "wasm32-wasi", "c++", "v1"),
                            Path.of(sysroot, "include", "c++", "v1")),
                    "libc++ for wasm32",
                    "apt-get install libc++-14-dev-wasm32 (the version of your clang)"));
            requirements.add(Toolchain.clangBuiltins(
                    compiler, "apt-get install libclang-rt-14-dev-wasm32 (the version of your clang)"));
        }
        return new BuildRecipe(Language.CPP, requirements, List.of(new BuildStep("make")), dir.resolve(OUTPUT));
    }

    /** Cargo names the module after [lib] name, else [package] name, with dashes turned into underscores. */
    static String cargoLibraryName(Path cargoToml) {
        String text;
        try {
            text = Files.readString(cargoToml, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, "cannot read " + cargoToml + ": " + e.getMessage(), e);
        }
        String library = sectionName(text, "lib");
        String name = library != null ? library : sectionName(text, "package");
        if (name == null) {
            throw new CliException(ExitCode.USAGE, cargoToml + " has no [package] name");
        }
        return name.replace('-', '_');
    }

    private static String sectionName(String toml, String section) {
        Matcher headers = SECTION.matcher(toml);
        while (headers.find()) {
            if (headers.group(1).trim().equals(section)) {
                int start = headers.end();
                int end = headers.find() ? headers.start() : toml.length();
                Matcher name = NAME.matcher(toml.substring(start, end));
                return name.find() ? name.group(1) : null;
            }
        }
        return null;
    }
}
