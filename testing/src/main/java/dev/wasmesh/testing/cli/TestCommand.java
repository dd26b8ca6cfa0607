package dev.wasmesh.testing.cli;

import dev.wasmesh.host.ProxyWasmModule;
import dev.wasmesh.testing.scenario.FileOutcome;
import dev.wasmesh.testing.scenario.JUnitXmlReport;
import dev.wasmesh.testing.scenario.Scenario;
import dev.wasmesh.testing.scenario.ScenarioException;
import dev.wasmesh.testing.scenario.ScenarioParser;
import dev.wasmesh.testing.scenario.ScenarioResult;
import dev.wasmesh.testing.scenario.ScenarioRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code wasmesh test}: runs YAML scenario files against filters through the test harness. Prints a PASS or FAIL
 * line per scenario (with expected and actual values for a failure) and a closing {@code N passed, N failed} line.
 * Exit status: 0 all passed, 1 some failed, 2 usage error or a malformed scenario file.
 */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = {"Run YAML scenario files against proxy-wasm filters.",
            "Without FILE arguments, runs tests/*.yaml of the project directory."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:every scenario passed", "1:some scenario failed",
            "2:usage error, or a scenario file is malformed"})
public final class TestCommand implements Callable<Integer> {
    static final int FAILED = 1;
    static final int USAGE = 2;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "0..*",
            description = "Scenario files, or directories whose *.yaml and *.yml files to run.")
    private List<Path> files = new ArrayList<>();

    @Option(names = "--junit", paramLabel = "FILE", description = "Also write a JUnit XML report to FILE.")
    private Path junit;

    @Option(names = "--engine", paramLabel = "ENGINE",
            description = "compiler or interpreter; overrides the scenarios' own choice.")
    private String engine;

    @Option(names = {"-C", "--project-dir"}, paramLabel = "DIR",
            description = "Project directory whose tests/ to run when no FILE is given (default: current).")
    private Path projectDir = Path.of("");

    public static void main(String[] args) {
        System.exit(new CommandLine(new TestCommand()).execute(args));
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ProxyWasmModule.Engine chosen;
        List<Path> targets;
        try {
            chosen = engine();
            targets = targets();
        } catch (CommandLine.ParameterException e) {
            err.println("wasmesh test: " + e.getMessage());
            return USAGE;
        }
        ScenarioRunner runner = new ScenarioRunner(chosen);
        List<FileOutcome> outcomes = new ArrayList<>();
        for (Path file : targets) {
            outcomes.add(runFile(file, runner, out, err));
        }
        long passed = outcomes.stream().mapToLong(FileOutcome::passed).sum();
        long failed = outcomes.stream().mapToLong(FileOutcome::failed).sum();
        out.println(passed + " passed, " + failed + " failed");
        out.flush();
        if (junit != null) {
            try {
                JUnitXmlReport.write(junit, outcomes);
            } catch (IOException e) {
                err.println("wasmesh test: cannot write the JUnit report " + junit + ": " + e.getMessage());
                return USAGE;
            }
        }
        if (outcomes.stream().anyMatch(o -> o.error() != null)) {
            return USAGE;
        }
        return failed > 0 ? FAILED : 0;
    }

    private static FileOutcome runFile(Path file, ScenarioRunner runner, PrintWriter out, PrintWriter err) {
        List<Scenario> scenarios;
        try {
            scenarios = ScenarioParser.parse(file);
        } catch (ScenarioException e) {
            err.println("ERROR " + e.getMessage());
            err.flush();
            return new FileOutcome(file, List.of(), e);
        }
        List<ScenarioResult> results = new ArrayList<>();
        for (Scenario s : scenarios) {
            ScenarioResult r = runner.run(s);
            results.add(r);
            out.println((r.passed() ? "PASS " : "FAIL ") + file + ": " + s.name() + " (" + r.time().toMillis()
                    + " ms)");
            r.details().forEach(line -> out.println("     " + line));
            if (!r.passed() && !r.logTail().isEmpty()) {
                out.println("     filter logs (last " + r.logTail().size() + "):");
                r.logTail().forEach(line -> out.println("       " + line));
            }
            out.flush();
        }
        return new FileOutcome(file, results, null);
    }

    private ProxyWasmModule.Engine engine() {
        if (engine == null) {
            return null;
        }
        return switch (engine.toLowerCase(Locale.ROOT)) {
            case "compiler" -> ProxyWasmModule.Engine.COMPILER;
            case "interpreter" -> ProxyWasmModule.Engine.INTERPRETER;
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "--engine must be compiler or interpreter, got '" + engine + "'");
        };
    }

    /** The files to run: those given (directories expanded), else the project's tests/*.yaml. */
    private List<Path> targets() {
        if (files.isEmpty()) {
            Path tests = projectDir.resolve("tests");
            List<Path> found = Files.isDirectory(tests) ? yamlFiles(tests) : List.of();
            if (found.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "no scenario files: "
                        + (tests.toString().isEmpty() ? "tests" : tests) + "/ has no *.yaml files "
                        + "(give FILE arguments or run inside a project)");
            }
            return found;
        }
        List<Path> out = new ArrayList<>();
        for (Path f : files) {
            if (Files.isDirectory(f)) {
                List<Path> inDir = yamlFiles(f);
                if (inDir.isEmpty()) {
                    throw new CommandLine.ParameterException(spec.commandLine(), f + " has no *.yaml files");
                }
                out.addAll(inDir);
            } else {
                out.add(f); // a missing file is reported as that file's error
            }
        }
        return out;
    }

    private List<Path> yamlFiles(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> {
                String n = p.getFileName().toString();
                return Files.isRegularFile(p) && (n.endsWith(".yaml") || n.endsWith(".yml"));
            }).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "cannot list " + dir + ": " + e.getMessage());
        }
    }
}
