package dev.wasmesh.cli.init;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.cli.Cli;
import dev.wasmesh.cli.ExitCode;
import dev.wasmesh.deploy.testing.RequiredTools;
import dev.wasmesh.testsupport.JsonDocs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wasmesh init} on a real terminal: tmux runs it, the test presses keys and reads the screen. */
class InitTerminalTest {
    private static final Duration STARTUP = Duration.ofSeconds(30);
    private static final Duration STEP = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsTmux() {
        RequiredTools.assume(
                onPath("tmux"), "tmux is not installed (apt-get install tmux): the terminal tests need it");
    }

    @Test
    void choosesTheLanguageWithTheArrowKeysAndAsksForNameAndRootId() throws Exception {
        Path dir = tmp.resolve("tty-project");
        try (Tmux tmux = new Tmux(init(dir))) {
            String menu = tmux.awaitScreen(s -> s.contains("tinygo"), STARTUP, "the language list");
            assertThat(menu)
                    .contains("What language do you wish to use for the filter", "cpp", "rust", "assemblyscript", "go");
            assertThat(menu.lines().filter(l -> l.startsWith(">")).toList())
                    .singleElement()
                    .asString()
                    .contains("cpp");

            tmux.keys("Down", "Down");
            tmux.awaitScreen(s -> s.contains("> assemblyscript"), STEP, "the cursor on assemblyscript");
            tmux.keys("Enter");

            tmux.awaitScreen(s -> s.contains("Project name (tty-project)"), STEP, "the name prompt with its default");
            tmux.type("typed-name");
            tmux.keys("Enter");
            tmux.awaitScreen(
                    s -> s.contains("Root id (typed-name)"), STEP, "the root id prompt defaulting to the name");
            tmux.keys("Enter");

            assertThat(tmux.awaitExit(STEP)).isZero();
            assertThat(tmux.screen()).contains("Created assemblyscript project typed-name");
        }
        assertThat(JsonDocs.parse(Files.readString(dir.resolve(".wasmesh.json"))))
                .isEqualTo(Map.of("language", "assemblyscript", "name", "typed-name", "rootId", "typed-name"));
        assertThat(dir.resolve("package.json")).exists();
    }

    @Test
    void optionsSkipTheirQuestions() throws Exception {
        Path dir = tmp.resolve("partly");
        List<String> command = init(dir);
        command.addAll(List.of("--name", "given", "--root-id", "given_root"));
        try (Tmux tmux = new Tmux(command)) {
            tmux.awaitScreen(s -> s.contains("> cpp"), STARTUP, "the language list");
            tmux.keys("Up", "Enter");

            assertThat(tmux.awaitExit(STEP)).isZero();
            assertThat(tmux.screen()).doesNotContain("Project name", "Root id");
        }
        assertThat(JsonDocs.parse(Files.readString(dir.resolve(".wasmesh.json"))))
                .as("Up from the first entry wraps to the last")
                .isEqualTo(Map.of("language", "go", "name", "given", "rootId", "given_root"));
    }

    @Test
    void ctrlCAtThePromptWritesNothing() throws Exception {
        Path dir = tmp.resolve("abandoned");
        try (Tmux tmux = new Tmux(init(dir))) {
            tmux.awaitScreen(s -> s.contains("> cpp"), STARTUP, "the language list");
            tmux.keys("C-c");

            assertThat(tmux.awaitExit(STEP)).isEqualTo(ExitCode.INTERRUPTED);
        }
        assertThat(dir).doesNotExist();
        assertThat(tmp.toFile().list()).isEmpty();
    }

    @Test
    void helpIsColouredOnATerminalUnlessNoColorIsSet() throws Exception {
        List<String> help = new ArrayList<>(Cli.javaCommand());
        help.add("--help");
        List<String> plain = new ArrayList<>(List.of("env", "NO_COLOR=1"));
        plain.addAll(help);
        try (Tmux coloured = new Tmux(help);
                Tmux uncoloured = new Tmux(plain)) {
            assertThat(coloured.awaitExit(STARTUP)).isZero();
            assertThat(uncoloured.awaitExit(STARTUP)).isZero();

            assertThat(coloured.screenWithEscapes()).contains("Exit codes:").contains("\u001b[");
            assertThat(uncoloured.screenWithEscapes()).contains("Exit codes:").doesNotContain("\u001b[");
        }
    }

    private static List<String> init(Path dir) {
        List<String> command = new ArrayList<>(Cli.javaCommand());
        command.addAll(List.of("init", dir.toString()));
        return command;
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        return path != null
                && java.util.Arrays.stream(path.split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }
}
