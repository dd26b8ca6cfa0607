package dev.wasmesh.cli.build;

import dev.wasmesh.cli.CliException;
import dev.wasmesh.cli.ExitCode;
import dev.wasmesh.cli.ModuleCheck;
import dev.wasmesh.cli.Style;
import dev.wasmesh.cli.project.Language;
import dev.wasmesh.cli.project.ProjectDetector;
import dev.wasmesh.testing.cli.OutputOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code wasmesh build [DIR]}: runs the project's own toolchain, then checks the module it produced. */
@Command(
        name = "build",
        mixinStandardHelpOptions = true,
        header = "Build a filter project into filter.wasm and check it.",
        description = {
            "Build the filter project in DIR (default: the current directory) with its language's"
                    + " toolchain into filter.wasm, then check that the module is a proxy-wasm filter and"
                    + " print its ABI version and size.",
            "The language comes from .wasmesh.json (written by `wasmesh init`), else from the build"
                    + " files: package.json + asconfig.json, Cargo.toml, go.mod, or a Makefile or"
                    + " CMakeLists.txt with C++ sources.",
            "The toolchain's output is shown as it runs (on stderr with --output json).",
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  wasmesh build                        # the project in this directory",
            "  wasmesh build my-filter -o /tmp/my.wasm",
            "  wasmesh build my-filter --output json",
        })
public final class BuildCommand implements Callable<Integer> {
    private static final String DEFAULT_OUTPUT = "filter.wasm";

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", defaultValue = ".", description = "Project directory.")
    private Path dir;

    @Option(
            names = {"-o", "--out"},
            paramLabel = "FILE",
            description = "Where to write the module (default: DIR/" + DEFAULT_OUTPUT + ").")
    private Path out;

    @Option(
            names = {"-l", "--language"},
            paramLabel = "LANG",
            converter = Language.Converter.class,
            completionCandidates = Language.Ids.class,
            description = "Skip detection: one of ${COMPLETION-CANDIDATES}.")
    private Language language;

    @Mixin(name = OutputOptions.MIXIN_NAME)
    private OutputOptions output;

    @Override
    public Integer call() {
        Path project = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(project)) {
            throw new CliException(ExitCode.USAGE, dir + " is not a directory");
        }
        BuildRecipe recipe = Recipes.forProject(language != null ? language : ProjectDetector.detect(project), project);
        for (Requirement requirement : recipe.requirements()) {
            Optional<String> problem = requirement.problem();
            if (problem.isPresent()) {
                throw new CliException(ExitCode.TOOL_MISSING, problem.get());
            }
        }
        deleteStale(recipe.artifact());
        PrintWriter err = spec.commandLine().getErr();
        for (BuildStep step : recipe.steps()) {
            err.println(Style.render("@|bold $ " + step.display() + "|@"));
            err.flush();
            int exit = ProcessRunner.run(step, project, output.json());
            if (exit != 0) {
                throw new CliException(ExitCode.FAILED, "`" + step.display() + "` failed with exit code " + exit);
            }
        }
        if (!Files.isRegularFile(recipe.artifact())) {
            throw new CliException(ExitCode.FAILED, "the build finished but did not produce " + recipe.artifact());
        }
        Path target = out != null ? out.toAbsolutePath().normalize() : project.resolve(DEFAULT_OUTPUT);
        copy(recipe.artifact(), target);
        report(recipe.language(), ModuleCheck.check(target));
        return ExitCode.OK;
    }

    /** A module left by an earlier build must not pass for the result of a failed one. */
    private static void deleteStale(Path artifact) {
        try {
            Files.deleteIfExists(artifact);
        } catch (IOException e) {
            throw new CliException(ExitCode.IO_ERROR, "cannot remove the old " + artifact + ": " + e.getMessage(), e);
        }
    }

    private static void copy(Path from, Path to) {
        if (from.equals(to)) {
            return;
        }
        try {
            Path parent = to.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new CliException(ExitCode.IO_ERROR, "cannot write " + to + ": " + e.getMessage(), e);
        }
    }

    private void report(Language built, ModuleCheck.Report report) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("language", built.id());
        json.put("output", report.file().toString());
        json.put("size", report.size());
        json.put("abiVersion", report.abiVersion());
        json.put("callbacks", report.callbacks());
        String text = Style.render("@|green,bold Built|@ ")
                + report.file()
                + ": "
                + humanSize(report.size())
                + ", proxy-wasm ABI "
                + report.abiVersion()
                + " ("
                + built.id()
                + ")";
        output.print(spec.commandLine().getOut(), json, text);
    }

    private static String humanSize(long bytes) {
        return bytes < 1024 ? bytes + " B" : String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
}
