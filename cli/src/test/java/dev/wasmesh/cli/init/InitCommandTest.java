package dev.wasmesh.cli.init;

import static dev.wasmesh.cli.Cli.wasmesh;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.cli.Cli.Result;
import dev.wasmesh.cli.ExitCode;
import dev.wasmesh.cli.project.Language;
import dev.wasmesh.testsupport.JsonDocs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class InitCommandTest {
    private static final List<String> COMMON = List.of(
            ".wasmesh.json", ".gitignore", "README.md", "envoy.yaml", "runtime-config.json", "tests/hello.yaml");

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(Language.class)
    void createsACompleteProjectForEveryLanguage(Language language) throws Exception {
        Path dir = tmp.resolve("demo");

        Result result = wasmesh()
                .run(
                        "init",
                        dir.toString(),
                        "--language",
                        language.id(),
                        "--name",
                        "demo-filter",
                        "--root-id",
                        "demo_root");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).contains("Created " + language.id() + " project demo-filter", "wasmesh build");
        assertThat(files(dir)).containsAll(COMMON).containsAll(languageFiles(language));
        for (String file : files(dir)) {
            assertThat(read(dir, file)).as(file).doesNotContain("{{name}}", "{{rootId}}", "{{crateName}}");
        }
        assertThat(JsonDocs.parse(read(dir, ".wasmesh.json")))
                .isEqualTo(Map.of("language", language.id(), "name", "demo-filter", "rootId", "demo_root"));
        assertThat(JsonDocs.parse(read(dir, "runtime-config.json")))
                .isEqualTo(Map.of(
                        "type", "envoy_proxy",
                        "abiVersions", List.of("v0-4689a30309abf31aee9ae36e73d34b1bb182685f", "v0.2.1"),
                        "config", Map.of("rootIds", List.of("demo_root"))));
        assertThat(read(dir, "envoy.yaml"))
                .contains(
                        "port_value: 10000",
                        "envoy.filters.http.wasm",
                        "root_id: demo_root",
                        "runtime: envoy.wasm.runtime.v8",
                        "filename: filter.wasm",
                        "envoy.filters.http.router",
                        "address: 127.0.0.1, port_value: 8080");
        assertThat(read(dir, "tests/hello.yaml"))
                .contains("filter: ../filter.wasm", "rootId: demo_root", "responseHeaders:", "headers: {hello: world}");
        assertThat(tmp.toFile().list()).as("no staging directory left behind").containsExactly("demo");
        assertThat(Files.getPosixFilePermissions(dir))
                .as("the usual mode for a new directory")
                .isEqualTo(Files.getPosixFilePermissions(Files.createDirectory(tmp.resolve("reference"))));
    }

    @Test
    void projectsUseEachLanguagesSdkAndBuildCommand() throws Exception {
        Map<Language, Path> dirs =
                Stream.of(Language.values()).collect(Collectors.toMap(l -> l, l -> tmp.resolve(l.id())));
        for (Map.Entry<Language, Path> entry : dirs.entrySet()) {
            Result result = wasmesh()
                    .run(
                            "init",
                            entry.getValue().toString(),
                            "-l",
                            entry.getKey().id(),
                            "--name",
                            "hi-there");
            assertThat(result.exitCode()).as(result.toString()).isZero();
        }

        assertThat(read(dirs.get(Language.ASSEMBLYSCRIPT), "package.json"))
                .contains("\"assemblyscript\": \"0.28.9\"", "\"@assemblyscript/wasi-shim\": \"0.1.0\"")
                .contains("\"@gcoredev/proxy-wasm-sdk-as\": \"1.2.3\"", "\"name\": \"hi-there\"");
        assertThat(read(dirs.get(Language.ASSEMBLYSCRIPT), "assembly/index.ts"))
                .contains("registerRootContext(", "}, \"hi-there\");", "\"hello\"", "\"world\"", "LOG_CRITICAL");
        assertThat(read(dirs.get(Language.RUST), "Cargo.toml"))
                .contains("name = \"hi-there\"", "crate-type = [\"cdylib\"]", "proxy-wasm = \"0.2\"");
        assertThat(read(dirs.get(Language.RUST), "README.md")).contains("wasm32-wasip1", "release/hi_there.wasm");
        assertThat(read(dirs.get(Language.RUST), "src/lib.rs")).contains("proxy_wasm::main! {{", "LogLevel::Critical");
        assertThat(read(dirs.get(Language.GO), "main.go"))
                .contains("github.com/proxy-wasm/proxy-wasm-go-sdk/proxywasm", "LogCriticalf");
        assertThat(read(dirs.get(Language.GO), "README.md"))
                .contains("GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o filter.wasm .");
        assertThat(read(dirs.get(Language.GO), "go.mod"))
                .contains("module hi-there", "go 1.24", "require github.com/proxy-wasm/proxy-wasm-go-sdk v0.0.0-");
        assertThat(read(dirs.get(Language.RUST), "Cargo.lock"))
                .contains("name = \"hi-there\"", "name = \"proxy-wasm\"\nversion = \"0.2.5\"");
        assertThat(read(dirs.get(Language.TINYGO), "go.mod"))
                .contains("module hi-there", "github.com/tetratelabs/proxy-wasm-go-sdk v0.24.0");
        assertThat(read(dirs.get(Language.TINYGO), "README.md"))
                .contains("tinygo build -o filter.wasm -scheduler=none -target=wasi .");
        assertThat(read(dirs.get(Language.CPP), "filter.cc"))
                .contains("proxy_wasm_intrinsics.h", "replaceResponseHeader(\"hello\", \"world\")", "\"hi-there\");");
        assertThat(read(dirs.get(Language.CPP), "Makefile"))
                .contains(
                        "ifdef PROXY_WASM_CPP_SDK",
                        "Makefile.base_lite",
                        "--target=wasm32-wasi",
                        "-mexec-model=reactor");
    }

    @Test
    void withoutOptionsTheNameAndRootIdComeFromTheDirectory() throws Exception {
        Path dir = tmp.resolve("My Cool_Filter");

        Result result = wasmesh().run("init", dir.toString(), "--language", "cpp");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(JsonDocs.parse(read(dir, ".wasmesh.json")))
                .isEqualTo(Map.of("language", "cpp", "name", "my-cool_filter", "rootId", "my-cool_filter"));
    }

    @Test
    void jsonOutputDescribesTheProject() throws Exception {
        Path dir = tmp.resolve("json-demo");

        Result result = wasmesh().run("init", dir.toString(), "-l", "go", "--output", "json");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        Map<?, ?> json = (Map<?, ?>) JsonDocs.parse(result.stdout());
        assertThat(json.get("dir")).isEqualTo(dir.toString());
        assertThat(json.get("language")).isEqualTo("go");
        assertThat(json.get("name")).isEqualTo("json-demo");
        assertThat(json.get("files"))
                .asInstanceOf(InstanceOfAssertFactories.LIST)
                .contains("go.mod", "main.go", ".wasmesh.json", "tests/hello.yaml");
    }

    @Test
    void anUnknownLanguageIsAUsageErrorListingTheChoices() throws Exception {
        Path dir = tmp.resolve("x");

        Result result = wasmesh().run("init", dir.toString(), "--language", "java");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(result.stderr()).contains("unknown language 'java'", "cpp, rust, assemblyscript, tinygo, go");
        assertThat(dir).doesNotExist();
    }

    @Test
    void withoutATerminalTheLanguageMustBeGiven() throws Exception {
        Path dir = tmp.resolve("x");

        Result result = wasmesh().run("init", dir.toString());

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(result.stderr()).contains("no terminal", "--language");
        assertThat(dir).doesNotExist();
    }

    @Test
    void aNonEmptyDirectoryIsRefusedWithoutForce() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("busy"));
        Files.writeString(dir.resolve("notes.txt"), "keep me");

        Result result = wasmesh().run("init", dir.toString(), "-l", "rust");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(result.stderr()).contains("is not empty", "--force");
        assertThat(files(dir)).containsExactly("notes.txt");
    }

    @Test
    void forceAddsTheProjectToANonEmptyDirectory() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("busy"));
        Files.writeString(dir.resolve("notes.txt"), "keep me");
        Files.writeString(dir.resolve("README.md"), "old readme");

        Result result = wasmesh().run("init", dir.toString(), "-l", "rust", "--force");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(read(dir, "notes.txt")).isEqualTo("keep me");
        assertThat(read(dir, "README.md")).contains("# busy");
        assertThat(files(dir)).contains("Cargo.toml", "src/lib.rs");
        assertThat(tmp.toFile().list()).containsExactly("busy");
    }

    @Test
    void forceStopsBeforeWritingAnythingWhenAFileCannotBePlaced() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("busy"));
        Files.createDirectories(dir.resolve("README.md"));
        Files.writeString(dir.resolve("src"), "a file where the project wants a directory");

        Result readme = wasmesh().run("init", dir.toString(), "-l", "cpp", "--force");
        Files.delete(dir.resolve("README.md"));
        Result src = wasmesh().run("init", dir.toString(), "-l", "rust", "--force");

        assertThat(readme.exitCode()).as(readme.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(readme.stderr()).contains("cannot add the project to " + dir + ": README.md is a directory there");
        assertThat(src.exitCode()).as(src.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(src.stderr()).contains(": src is a file there");
        assertThat(files(dir)).as("nothing half-written").containsExactly("src");
        assertThat(tmp.toFile().list()).as("no staging directory left behind").containsExactly("busy");
    }

    @Test
    void anEmptyExistingDirectoryIsUsed() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("empty"));

        Result result = wasmesh().run("init", dir.toString(), "-l", "tinygo");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(files(dir)).contains("go.mod", "main.go");
    }

    @Test
    void theCurrentDirectoryKeepsBeingTheSameDirectory() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("here"));
        Object before = Files.readAttributes(dir, java.nio.file.attribute.BasicFileAttributes.class)
                .fileKey();

        Result result = wasmesh().in(dir).run("init", ".", "-l", "cpp");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(files(dir)).contains("Makefile", ".wasmesh.json");
        assertThat(Files.readAttributes(dir, java.nio.file.attribute.BasicFileAttributes.class)
                        .fileKey())
                .as("not replaced by a new directory, which would strand a shell inside it")
                .isEqualTo(before);
        assertThat(JsonDocs.parse(read(dir, ".wasmesh.json")))
                .isEqualTo(Map.of("language", "cpp", "name", "here", "rootId", "here"));
    }

    @Test
    void aFileOrAPathUnderAFileIsRefused() throws Exception {
        Path file = Files.writeString(tmp.resolve("file.txt"), "x");

        Result onFile = wasmesh().run("init", file.toString(), "-l", "go");
        Result underFile = wasmesh().run("init", file.resolve("sub").toString(), "-l", "go");

        assertThat(onFile.exitCode()).as(onFile.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(onFile.stderr()).contains("exists and is not a directory");
        assertThat(underFile.exitCode()).as(underFile.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(read(tmp, "file.txt")).isEqualTo("x");
    }

    @Test
    void invalidNamesAndRootIdsAreUsageErrors() throws Exception {
        Result badName = wasmesh().run("init", tmp.resolve("a").toString(), "-l", "go", "--name", "Bad Name");
        Result badRootId = wasmesh().run("init", tmp.resolve("b").toString(), "-l", "go", "--root-id", "a\"b");

        assertThat(badName.exitCode()).as(badName.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(badName.stderr()).contains("invalid name 'Bad Name'");
        assertThat(badRootId.exitCode()).as(badRootId.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(badRootId.stderr()).contains("invalid root id");
        assertThat(tmp.toFile().list()).isEmpty();
    }

    @Test
    void errorsAreJsonToo() throws Exception {
        Files.writeString(tmp.resolve("occupied.txt"), "x");

        Result result = wasmesh().run("init", tmp.toString(), "-l", "go", "--output", "json");

        assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
        Map<?, ?> json = (Map<?, ?>) JsonDocs.parse(result.stdout());
        assertThat(json.get("exitCode")).isEqualTo((long) ExitCode.USAGE);
        assertThat((String) json.get("error")).contains("is not empty");
    }

    private static List<String> languageFiles(Language language) {
        return switch (language) {
            case CPP -> List.of("Makefile", "filter.cc", "standalone/filter.cc", "standalone/proxy_wasm.h");
            case RUST -> List.of("Cargo.toml", "Cargo.lock", "src/lib.rs", ".cargo/config.toml");
            case ASSEMBLYSCRIPT -> List.of("package.json", "asconfig.json", "assembly/index.ts");
            case GO -> List.of("go.mod", "go.sum", "main.go");
            case TINYGO -> List.of("go.mod", "main.go");
        };
    }

    static List<String> files(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.filter(Files::isRegularFile)
                    .map(p -> dir.relativize(p).toString())
                    .sorted()
                    .toList();
        }
    }

    static String read(Path dir, String file) throws IOException {
        return Files.readString(dir.resolve(file), StandardCharsets.UTF_8);
    }
}
