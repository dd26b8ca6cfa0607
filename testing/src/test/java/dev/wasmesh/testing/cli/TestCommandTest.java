package dev.wasmesh.testing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.testing.scenario.ScenarioFiles;
import dev.wasmesh.testsupport.Examples;
import dev.wasmesh.testsupport.JsonDocs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import picocli.CommandLine;

class TestCommandTest {
    /** One in-process run of {@code wasmesh test}. */
    private record Run(int exit, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new TestCommand());
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void allSamplesPass() {
        Run r = run(ScenarioFiles.samples().toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.outLines()).filteredOn(l -> l.startsWith("PASS ")).hasSize(20);
        assertThat(r.outLines()).noneMatch(l -> l.startsWith("FAIL "));
        assertThat(r.outLines()).last().isEqualTo("20 passed, 0 failed");
        assertThat(r.out())
                .contains("PASS " + ScenarioFiles.samples().resolve("c-all.yaml")
                        + ": callout is answered through the harness");
    }

    @Test
    void failureShowsExpectedAndActualAndExitsOne() {
        Path wrong = ScenarioFiles.bad("wrong-header.yaml");
        Run r = run(ScenarioFiles.samples().resolve("seed.yaml").toString(), wrong.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out())
                .contains("FAIL " + wrong + ": expects the wrong header value")
                .contains("step 2 (responseHeaders) at " + wrong + ":6")
                .contains("response header \"hello\" (line 10)")
                .contains("expected: \"mars\"")
                .contains("actual:   \"world\"");
        assertThat(r.outLines()).last().isEqualTo("1 passed, 1 failed");
    }

    @Test
    void malformedFilesNameFileAndLineAndExitTwo() {
        Path badYaml = ScenarioFiles.bad("bad-yaml.yaml");
        Path unknownKey = ScenarioFiles.bad("unknown-key.yaml");
        Run r = run(
                badYaml.toString(),
                unknownKey.toString(),
                ScenarioFiles.samples().resolve("seed.yaml").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err())
                .containsPattern("ERROR " + java.util.regex.Pattern.quote(badYaml.toString()) + ":[45]: invalid YAML");
        assertThat(r.err())
                .contains("ERROR " + unknownKey
                        + ":8: steps[0].expect.header: unknown key 'header' (expected one of: action, body");
        assertThat(r.outLines()).last().isEqualTo("1 passed, 2 failed");
    }

    @Test
    void junitReportIsWritten(@TempDir Path dir) throws Exception {
        Path xml = dir.resolve("reports/junit.xml");
        Run r = run(
                "--junit",
                xml.toString(),
                ScenarioFiles.samples().resolve("seed.yaml").toString(),
                ScenarioFiles.bad("wrong-header.yaml").toString(),
                ScenarioFiles.bad("unknown-key.yaml").toString());
        assertThat(r.exit()).isEqualTo(2);
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile());
        Element root = doc.getDocumentElement();
        assertThat(root.getTagName()).isEqualTo("testsuites");
        assertThat(root.getAttribute("tests")).isEqualTo("3");
        assertThat(root.getAttribute("failures")).isEqualTo("1");
        assertThat(root.getAttribute("errors")).isEqualTo("1");
        assertThat(doc.getElementsByTagName("testsuite").getLength()).isEqualTo(3);
        Element failure = (Element) doc.getElementsByTagName("failure").item(0);
        assertThat(failure.getTextContent()).contains("expected: \"mars\"").contains("actual:   \"world\"");
        Element error = (Element) doc.getElementsByTagName("error").item(0);
        assertThat(error.getAttribute("message")).contains("unknown-key.yaml:8");
        Element first = (Element) doc.getElementsByTagName("testcase").item(0);
        assertThat(first.getAttribute("name")).isEqualTo("seed sets hello on the response");
        assertThat(first.getElementsByTagName("failure").getLength()).isZero();
    }

    @Test
    void jsonOutputIsOneObjectOnStdoutWithTheReportOnStderr() {
        Path seed = ScenarioFiles.samples().resolve("seed.yaml");
        Path wrong = ScenarioFiles.bad("wrong-header.yaml");
        Path unknownKey = ScenarioFiles.bad("unknown-key.yaml");
        Run r = run("--output", "json", seed.toString(), wrong.toString(), unknownKey.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("FAIL " + wrong, "ERROR " + unknownKey + ":8:", "1 passed, 2 failed");
        Map<?, ?> json = (Map<?, ?>) JsonDocs.parse(r.out());
        assertThat(json.get("passed")).isEqualTo(1L);
        assertThat(json.get("failed")).isEqualTo(2L);
        assertThat(json.get("exitCode")).isEqualTo(2L);
        List<?> files = (List<?>) json.get("files");
        assertThat(files).hasSize(3);
        Map<?, ?> failedFile = (Map<?, ?>) files.get(1);
        Map<?, ?> failedScenario = (Map<?, ?>) ((List<?>) failedFile.get("scenarios")).get(0);
        assertThat(failedScenario.get("name")).isEqualTo("expects the wrong header value");
        assertThat(failedScenario.get("passed")).isEqualTo(false);
        assertThat(failedScenario.get("details"))
                .asInstanceOf(InstanceOfAssertFactories.LIST)
                .contains("    expected: \"mars\"", "    actual:   \"world\"");
        Map<?, ?> malformed = (Map<?, ?>) files.get(2);
        assertThat(malformed.get("line")).isEqualTo(8L);
        assertThat((String) malformed.get("error"))
                .contains("steps[0].expect.header: unknown key 'header' (expected one of:");
    }

    @Test
    void aUsageErrorIsJsonTooInJsonMode(@TempDir Path project) {
        Run r = run("--output", "json", "-C", project.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: no scenario files");
        assertThat(((Map<?, ?>) JsonDocs.parse(r.out())).get("exitCode")).isEqualTo(2L);
    }

    @Test
    void aJunitReportThatCannotBeWrittenIsAnIoError(@TempDir Path dir) throws Exception {
        Path occupied = Files.createDirectories(dir.resolve("report.xml"));
        Run r = run(
                "--junit",
                occupied.toString(),
                ScenarioFiles.samples().resolve("seed.yaml").toString());

        assertThat(r.exit()).isEqualTo(4);
        assertThat(r.err()).contains("cannot write the JUnit report " + occupied);
    }

    @Test
    void helpHasExamplesAndTheExitCodes() {
        Run r = run("--help");

        assertThat(r.exit()).isZero();
        assertThat(r.out())
                .contains(
                        "Usage: test",
                        "Examples:",
                        "wasmesh test --junit",
                        "Exit codes:",
                        "2   usage error, or a scenario file is malformed");
    }

    @Test
    void withoutFilesRunsTheProjectsTestsDirectory(@TempDir Path project) throws Exception {
        Run none = run("-C", project.toString());
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("no scenario files").contains("tests");

        Files.createDirectories(project.resolve("tests"));
        Files.writeString(project.resolve("tests/hello.yaml"), """
                filter: %s
                steps:
                  - responseHeaders: {":status": "200"}
                    expect: {headers: {hello: world}}
                """.formatted(Examples.wasm("seed")));
        Files.writeString(project.resolve("tests/notes.txt"), "not a scenario");
        Run r = run("-C", project.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.outLines()).hasSize(2).last().isEqualTo("1 passed, 0 failed");
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(run("--engine", "jit", ScenarioFiles.samples().toString()).exit())
                .isEqualTo(2);
        assertThat(run("--no-such-option").exit()).isEqualTo(2);
        Run missing = run("/nonexistent/scenario.yaml");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("/nonexistent/scenario.yaml: no such file");
    }

    @Test
    void engineOverrideRunsOnTheInterpreter() {
        Run r = run(
                "--engine",
                "interpreter",
                ScenarioFiles.samples().resolve("seed.yaml").toString());
        assertThat(r.exit()).isZero();
    }

    @Test
    void runsAsARealProcess() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        TestCommand.class.getName(),
                        ScenarioFiles.samples().resolve("seed.yaml").toString(),
                        ScenarioFiles.bad("wrong-header.yaml").toString())
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isEqualTo(1);
        assertThat(output.lines().toList()).contains("1 passed, 1 failed");
        assertThat(output).contains("FAIL ").contains("expected: \"mars\"");
    }
}
