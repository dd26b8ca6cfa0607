package dev.wasmesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.cli.project.Language;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The self-contained jar from `mvn package`: runs alone, and finds its templates inside itself. */
class ShadedJarIT {
  private static final Path JAR = Path.of(System.getProperty("wasmesh.jar", "target/wasmesh.jar"));

  @TempDir Path tmp;

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
      assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo(Wasmesh.class.getName());
      assertThat(jar.getEntry("META-INF/services/org/jline/terminal/provider/exec")).isNotNull();
      assertThat(jar.getEntry("module-info.class")).isNull();
    }
  }

  /** Runs the jar with no other classpath and returns its stdout; any exit but 0 fails the test. */
  private String run(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(String.join(" ", args) + "\n" + stdout).isZero();
    return stdout;
  }
}
