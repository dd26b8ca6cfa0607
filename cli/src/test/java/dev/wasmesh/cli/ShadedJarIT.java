package dev.wasmesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.cli.project.Language;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The self-contained jar from `mvn package`: runs alone, and finds its templates inside itself. */
class ShadedJarIT {
    private static final Path JAR = Path.of(System.getProperty("wasmesh.jar", "target/wasmesh.jar"));

    @TempDir
    Path tmp;

    @Test
    void runsWithJavaJarAlone() throws Exception {
        assertThat(run("--version")).startsWith("wasmesh ");
        assertThat(run("completion")).contains("complete -F");
    }

    @Test
    void initWritesEveryLanguagesTemplateFromInsideTheJar() throws Exception {
        for (Language language : Language.values()) {
            Path dir = tmp.resolve(language.id());

            run("init", dir.toString(), "-l", language.id());

            assertThat(dir.resolve(".gitignore")).exists();
            assertThat(dir.resolve("tests/hello.yaml")).exists();
        }
        assertThat(tmp.resolve("rust/.cargo/config.toml")).exists();
    }

    @Test
    void mergesServiceFilesAndNamesTheMainClass() throws Exception {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo(Wasmesh.class.getName());
            assertThat(jar.getEntry("META-INF/services/org/jline/terminal/provider/exec"))
                    .isNotNull();
            assertThat(jar.getEntry("module-info.class")).isNull();
        }
    }

    @Test
    void carriesBoringSslForLinuxX8664Only() throws Exception {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertThat(jar.getEntry("META-INF/native/libnetty_tcnative_linux_x86_64.so"))
                    .isNotNull();
            assertThat(jar.stream().map(e -> e.getName()).filter(n -> n.contains("netty_tcnative_")))
                    .containsExactly("META-INF/native/libnetty_tcnative_linux_x86_64.so");
        }
    }

    @Test
    void theRepositoryScriptRunsTheJar() throws Exception {
        Path script = repositoryRoot().resolve("wasmesh");

        Process process = start(List.of(script.toString(), "--version"), Map.of());

        assertThat(output(process)).startsWith("wasmesh ");
        assertThat(process.exitValue()).isZero();
    }

    @Test
    void theScriptBuildsTheJarWithMavenOnFirstUseOnly() throws Exception {
        // A copy of the script in a fresh tree without a jar, and an `mvn` that records its arguments and puts the real
        // jar where the build would.
        Path root = Files.createDirectories(tmp.resolve("checkout"));
        Path script = Files.copy(repositoryRoot().resolve("wasmesh"), root.resolve("wasmesh"));
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path calls = tmp.resolve("mvn-calls");
        Path mvn = bin.resolve("mvn");
        Files.writeString(
                mvn,
                "#!/bin/sh\n"
                        + "echo \"$PWD $*\" >> " + calls + "\n"
                        + "mkdir -p cli/target && cp " + JAR.toAbsolutePath() + " cli/target/wasmesh.jar\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = Map.of("PATH", bin + ":" + System.getenv("PATH"));

        Process first = start(List.of(script.toString(), "--version"), env);
        String firstOut = output(first);
        Process second = start(List.of(script.toString(), "--version"), env);
        String secondOut = output(second);

        assertThat(first.exitValue()).as(firstOut).isZero();
        assertThat(firstOut)
                .contains("building " + root.resolve("cli/target/wasmesh.jar") + " (first run)", "wasmesh ");
        assertThat(Files.readAllLines(calls))
                .singleElement()
                .asString()
                .startsWith(root + " ")
                .contains("-pl cli -am package -DskipTests");
        assertThat(second.exitValue()).as(secondOut).isZero();
        assertThat(secondOut).doesNotContain("building").startsWith("wasmesh ");
    }

    @Test
    void theScriptRecordsAClassArchiveForTestAndMapsItLater() throws Exception {
        Path script = repositoryRoot().resolve("wasmesh");
        Path jvm = tmp.resolve("cache/jvm");
        Map<String, String> env =
                Map.of("WASMESH_CACHE_DIR", tmp.resolve("cache").toString());

        Process first = start(List.of(script.toString(), "test", "--help"), env);
        String firstOut = output(first);
        List<String> afterFirst = names(jvm);
        Process second = start(List.of(script.toString(), "test", "--help"), env);
        String secondOut = output(second);

        assertThat(first.exitValue()).as(firstOut).isZero();
        assertThat(second.exitValue()).as(secondOut).isZero();
        // The first launch wrote its archive under its own name at exit; the second took it over and mapped it.
        assertThat(afterFirst).singleElement().asString().startsWith("test-").endsWith(".part.jsa");
        assertThat(names(jvm))
                .singleElement()
                .asString()
                .startsWith("test-")
                .endsWith(".jsa")
                .doesNotContain("part");
        // The JVM's warnings about classes it cannot archive stay out of the output.
        assertThat(secondOut).isEqualTo(firstOut).doesNotContain("[warning]").contains("Usage");
    }

    private static List<String> names(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("wasmesh")) && Files.isDirectory(dir.resolve("cli"))) {
                return dir;
            }
        }
        throw new IllegalStateException(
                "the wasmesh script is not above " + Path.of("").toAbsolutePath());
    }

    private static Process start(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true);
        builder.environment().putAll(env);
        return builder.start();
    }

    /** Everything the process printed, once it has ended. */
    private static String output(Process process) throws Exception {
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return output;
    }

    /** Runs the jar with no other classpath and returns its stdout; any exit but 0 fails the test. */
    private String run(String... args) throws Exception {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue())
                .as(String.join(" ", args) + "\n" + stdout)
                .isZero();
        return stdout;
    }
}
