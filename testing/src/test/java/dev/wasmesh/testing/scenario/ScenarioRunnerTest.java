package dev.wasmesh.testing.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.testsupport.Examples;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScenarioRunnerTest {
    private final ScenarioRunner runner = new ScenarioRunner(null);

    private List<ScenarioResult> run(Path file) throws ScenarioException {
        return ScenarioParser.parse(file).stream().map(runner::run).toList();
    }

    @Test
    void sampleScenariosForEveryExamplePass() throws Exception {
        for (String file : List.of("seed.yaml", "c-all.yaml", "others.yaml", "chain.yaml")) {
            for (ScenarioResult r : run(ScenarioFiles.samples().resolve(file))) {
                assertThat(r.passed())
                        .as(file + ": " + r.scenario().name() + "\n" + String.join("\n", r.details()) + "\n"
                                + String.join("\n", r.logTail()))
                        .isTrue();
            }
        }
    }

    /** The filters on the official Go and Rust SDKs; the Go runtime sleeps and ticks on the test clock. */
    @Test
    void scenariosForTheSdkExamplesPass() throws Exception {
        for (String file : List.of("go.yaml", "rust-sdk.yaml")) {
            for (ScenarioResult r : run(ScenarioFiles.samples().resolve(file))) {
                assertThat(r.passed())
                        .as(file + ": " + r.scenario().name() + "\n" + String.join("\n", r.details()) + "\n"
                                + String.join("\n", r.logTail()))
                        .isTrue();
            }
        }
    }

    @Test
    void wrongExpectationShowsExpectedAndActualWithFileAndStep() throws Exception {
        Path file = ScenarioFiles.bad("wrong-header.yaml");
        ScenarioResult r = run(file).get(0);
        assertThat(r.passed()).isFalse();
        assertThat(r.details())
                .containsExactly(
                        "step 2 (responseHeaders) at " + file + ":6",
                        "  response header \"hello\" (line 10)",
                        "    expected: \"mars\"",
                        "    actual:   \"world\"");
    }

    @Test
    void unansweredCalloutAndUnexpectedFailureAreReported(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        String cAll = Examples.wasm("c-all").toString();
        List<Scenario> scenarios = ScenarioParser.parse(dir.resolve("t.yaml"), """
                - name: nothing to answer
                  filter: %1$s
                  steps:
                    - httpCallResponse: {status: 200}
                - name: start failure that was not expected
                  filter: %1$s
                  pluginConfig: fail
                  steps: [{tick: 1}]
                - name: start failure expected but absent
                  filter: %1$s
                  expectStartFailure: proxy_on_configure
                - name: missing filter
                  filter: nowhere.wasm
                  steps: [{tick: 1}]
                - name: expectation on a stream never opened
                  filter: %1$s
                  steps: [{expect: {action: continue}}]
                """.formatted(cAll));
        List<ScenarioResult> results = scenarios.stream().map(runner::run).toList();
        assertThat(results).noneMatch(ScenarioResult::passed);
        assertThat(results.get(0).details()).last().asString().contains("no pending HTTP call-out to answer");
        assertThat(results.get(1).details())
                .singleElement()
                .asString()
                .contains("the plugin failed to start")
                .contains("proxy_on_configure");
        assertThat(results.get(1).logTail()).anyMatch(l -> l.contains("c-all: plugin configuration rejected"));
        assertThat(results.get(2).details()).contains("  actual:   the plugin started");
        assertThat(results.get(3).details())
                .hasSize(2)
                .first()
                .asString()
                .contains("cannot load the filter")
                .contains("nowhere.wasm")
                .contains("no such file")
                .endsWith("(build it first, e.g. with `wasmesh build`)");
        assertThat(results.get(3).details().get(1))
                .startsWith("  scenario at ")
                .endsWith(":" + results.get(3).scenario().line());
        assertThat(results.get(4).details()).contains("  stream 'main' (line 17)");
    }

    @Test
    void aUnaryGrpcCallTakesOnlyAResponseOrAFailure(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        String cAll = Examples.wasm("c-all").toString();
        String scenario = """
                - name: %s
                  filter: %s
                  steps:
                    - requestHeaders: {":method": GET, ":path": /grpc, ":authority": a}
                      endOfStream: true
                    - grpcResponse: %s
                """;
        String[][] misuses = {
            {"metadata", "{initialMetadata: {a: \"1\"}, message: pong}"},
            {"two messages", "{messages: [a, b]}"},
            {"message and status", "{message: pong, status: 2}"},
            {"ok without a message", "{status: 0}"},
            {"left open", "{message: pong, close: false}"}
        };
        for (String[] m : misuses) {
            ScenarioResult r =
                    runner.run(ScenarioParser.parse(dir.resolve("t.yaml"), scenario.formatted(m[0], cAll, m[1]))
                            .get(0));
            assertThat(r.passed()).as(m[0]).isFalse();
            assertThat(r.details())
                    .as(m[0])
                    .last()
                    .asString()
                    .contains("'grpcResponse' for the unary grpc call")
                    .contains("takes 'message' (the call succeeds) or a non-zero 'status'");
        }
    }
}
