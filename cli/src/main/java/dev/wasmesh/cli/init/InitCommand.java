package dev.wasmesh.cli.init;

import dev.wasmesh.cli.CliException;
import dev.wasmesh.cli.ExitCode;
import dev.wasmesh.cli.Style;
import dev.wasmesh.cli.project.Language;
import dev.wasmesh.cli.project.ProjectMarker;
import dev.wasmesh.testing.cli.OutputOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code wasmesh init DIR}: a new filter project that builds with its language's SDK. */
@Command(
        name = "init",
        mixinStandardHelpOptions = true,
        header = "Create a new filter project.",
        description = {
            "Create a proxy-wasm filter project in DIR: sources on the language's SDK, build files,"
                    + " an Envoy configuration (envoy.yaml), runtime-config.json and a test scenario"
                    + " (tests/hello.yaml). The filter sets `hello: world` on every response.",
            "On a terminal it asks for what the options do not say; elsewhere --language is required.",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  wasmesh init my-filter                    # asks language, name, root id",
            "  wasmesh init my-filter -l rust --yes      # no questions",
            "  wasmesh init . --force -l go --name auth --root-id auth_root",
            "  wasmesh init my-filter -l cpp --output json",
        })
public final class InitCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "Directory to create (must be empty or absent).")
    private Path dir;

    @Option(
            names = {"-l", "--language"},
            paramLabel = "LANG",
            converter = Language.Converter.class,
            completionCandidates = Language.Ids.class,
            description = "One of: ${COMPLETION-CANDIDATES}.")
    private Language language;

    @Option(names = "--name", paramLabel = "NAME", description = "Project/package name (default: from DIR).")
    private String name;

    @Option(
            names = "--root-id",
            paramLabel = "ID",
            description = "Root id Envoy configures the filter with (default: NAME).")
    private String rootId;

    @Option(
            names = {"-y", "--yes"},
            description = "Take the defaults for name and root id without asking.")
    private boolean yes;

    @Option(
            names = {"-f", "--force"},
            description = "Write into a non-empty DIR, replacing files of the same name.")
    private boolean force;

    @Mixin(name = OutputOptions.MIXIN_NAME)
    private OutputOptions output;

    @Override
    public Integer call() {
        ProjectWriter.checkTarget(dir, force);
        if (name != null) {
            ProjectSettings.checkName(name);
        }
        if (rootId != null) {
            ProjectSettings.checkRootId(rootId);
        }
        ProjectSettings settings = settings();
        Map<String, byte[]> files = Template.render(settings);
        ProjectMarker marker = new ProjectMarker(settings.language(), settings.name(), settings.rootId());
        files.put(ProjectMarker.FILE, marker.toJson().getBytes(StandardCharsets.UTF_8));
        ProjectWriter.write(dir, files);
        report(settings, files);
        return ExitCode.OK;
    }

    private ProjectSettings settings() {
        String defaultName = ProjectSettings.defaultName(dir);
        String givenName = yes ? orElse(name, defaultName) : name;
        String givenRootId = yes ? orElse(rootId, givenName) : rootId;
        boolean terminal = System.console() != null;
        if (terminal && (language == null || givenName == null || givenRootId == null)) {
            return InitPrompts.ask(language, givenName, givenRootId, defaultName);
        }
        if (language == null) {
            throw new CliException(
                    ExitCode.USAGE,
                    "no terminal to ask for the language: pass --language (one of " + Language.ids() + ")");
        }
        String chosenName = orElse(name, defaultName);
        return new ProjectSettings(language, chosenName, orElse(rootId, chosenName));
    }

    private static String orElse(String value, String fallback) {
        return value != null ? value : fallback;
    }

    private void report(ProjectSettings settings, Map<String, byte[]> files) {
        Path target = dir.toAbsolutePath().normalize();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("dir", target.toString());
        json.put("language", settings.language().id());
        json.put("name", settings.name());
        json.put("rootId", settings.rootId());
        json.put("files", new ArrayList<>(files.keySet()));
        String text = Style.render("@|green,bold Created|@ ")
                + settings.language().id()
                + " project "
                + settings.name()
                + " (root id "
                + settings.rootId()
                + ") in "
                + target
                + String.format(
                        "%nNext:%n  cd %s%n  wasmesh build%n  wasmesh test tests/hello.yaml",
                        quoteIfNeeded(dir.toString()));
        output.print(spec.commandLine().getOut(), json, text);
    }

    private static String quoteIfNeeded(String path) {
        return path.matches("[A-Za-z0-9_./-]+") ? path : "'" + path.replace("'", "'\\''") + "'";
    }
}
