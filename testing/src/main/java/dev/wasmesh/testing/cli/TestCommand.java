package dev.wasmesh.testing.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wasmesh.host.module.ProxyWasmModule;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code wasmesh test}: runs YAML scenario files against filters through the test harness. Prints a PASS or FAIL
 * line per scenario (with expected and actual values for a failure) and a closing {@code N passed, N failed} line;
 * with {@code --output json} those lines go to stderr and stdout carries one JSON object with every result.
 */
@Command(
        name = "test",
        mixinStandardHelpOptions = true,
        header = "Run YAML scenario files against proxy-wasm filters.",
        description = {
            "Run YAML scenario files against proxy-wasm filters through the test harness: each scenario"
                    + " starts a fresh VM with its plugin settings, sends its steps and checks its expectations.",
            "Without FILE arguments, runs tests/*.yaml (and *.yml) of the project directory.",
            "The format is described in testing/README.md of the wasmesh repository."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  wasmesh test                              # tests/*.yaml of this project",
            "  wasmesh test -C my-filter",
            "  wasmesh test tests/hello.yaml tests/more/",
            "  wasmesh test --junit target/wasmesh-tests.xml",
            "  wasmesh test --output json --engine interpreter"
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every scenario passed",
            "1:some scenario failed",
            "2:usage error, or a scenario file is malformed",
            "4:the JUnit report cannot be written"
        })
public final class TestCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int IO_ERROR = 4;

    @Spec
    private CommandSpec spec;

    @Parameters(
            paramLabel = "FILE",
            arity = "0..*",
            description = "Scenario files, or directories whose *.yaml and *.yml files to run.")
    private List<Path> files = new ArrayList<>();

    @Option(names = "--junit", paramLabel = "FILE", description = "Also write a JUnit XML report to FILE.")
    private Path junit;

    @Option(
            names = "--engine",
            paramLabel = "ENGINE",
            description = "compiler or interpreter; overrides the scenarios' own choice.")
    private String engine;

    @Option(
            names = {"-C", "--project-dir"},
            paramLabel = "DIR",
            description = "Project directory whose tests/ to run when no FILE is given (default: current).")
    private Path projectDir = Path.of("");

    @Mixin(name = OutputOptions.MIXIN_NAME)
    private OutputOptions output = new OutputOptions();

    public static void main(String[] args) {
        System.exit(new CommandLine(new TestCommand()).execute(args));
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        // With --output json stdout is the JSON object alone; the readable report moves to stderr.
        PrintWriter report = output.json() ? err : spec.commandLine().getOut();
        ProxyWasmModule.Engine chosen;
        List<Path> targets;
        try {
            chosen = engine();
            targets = targets();
        } catch (CommandLine.ParameterException e) {
            return fail(USAGE, e.getMessage());
        }
        ScenarioRunner runner = new ScenarioRunner(chosen);
        List<FileOutcome> outcomes = new ArrayList<>();
        for (Path file : targets) {
            outcomes.add(runFile(file, runner, report, err));
        }
        long passed = outcomes.stream().mapToLong(FileOutcome::passed).sum();
        long failed = outcomes.stream().mapToLong(FileOutcome::failed).sum();
        report.println(passed + " passed, " + failed + " failed");
        report.flush();
        if (junit != null) {
            try {
                JUnitXmlReport.write(junit, outcomes);
            } catch (IOException e) {
                return fail(IO_ERROR, "cannot write the JUnit report " + junit + ": " + e.getMessage());
            }
        }
        int exit = outcomes.stream().anyMatch(o -> o.error() != null) ? USAGE : failed > 0 ? FAILED : 0;
        if (output.json()) {
            printJson(toJson(outcomes, passed, failed, exit));
        }
        return exit;
    }

    /** Reports a failure that ends the run on stderr, and as {@code {"error", "exitCode"}} in json mode. */
    private int fail(int exitCode, String message) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("error: " + message);
        err.flush();
        if (output.json()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("error", message);
            json.put("exitCode", exitCode);
            printJson(json);
        }
        return exitCode;
    }

    private void printJson(Map<String, Object> json) {
        PrintWriter out = spec.commandLine().getOut();
        out.println(json(json));
        out.flush();
    }

    private static Map<String, Object> toJson(List<FileOutcome> outcomes, long passed, long failed, int exit) {
        List<Object> files = new ArrayList<>();
        for (FileOutcome o : outcomes) {
            Map<String, Object> file = new LinkedHashMap<>();
            file.put("file", o.file().toString());
            if (o.error() != null) {
                file.put("error", o.error().getMessage());
                file.put("line", o.error().line());
            }
            List<Object> scenarios = new ArrayList<>();
            for (ScenarioResult r : o.results()) {
                Map<String, Object> scenario = new LinkedHashMap<>();
                scenario.put("name", r.scenario().name());
                scenario.put("line", r.scenario().line());
                scenario.put("passed", r.passed());
                scenario.put("timeMs", r.time().toMillis());
                scenario.put("details", r.details());
                scenario.put("logs", r.logTail());
                scenarios.add(scenario);
            }
            file.put("scenarios", scenarios);
            files.add(file);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("passed", passed);
        json.put("failed", failed);
        json.put("exitCode", exit);
        json.put("files", files);
        return json;
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
            out.println((r.passed() ? "PASS " : "FAIL ") + file + ": " + s.name() + " ("
                    + r.time().toMillis() + " ms)");
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
            default ->
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--engine must be compiler or interpreter, got '" + engine + "'");
        };
    }

    /** The files to run: those given (directories expanded), else the project's tests/*.yaml. */
    private List<Path> targets() {
        if (files.isEmpty()) {
            Path tests = projectDir.resolve("tests");
            List<Path> found = Files.isDirectory(tests) ? yamlFiles(tests) : List.of();
            if (found.isEmpty()) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "no scenario files: "
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
                    })
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "cannot list " + dir + ": " + e.getMessage());
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }
}
