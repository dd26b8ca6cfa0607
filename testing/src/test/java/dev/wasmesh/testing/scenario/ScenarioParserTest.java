package dev.wasmesh.testing.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wasmesh.host.abi.LogLevel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScenarioParserTest {
    private static final Path FILE = Path.of("/project/tests/t.yaml");

    private static ScenarioException error(String yaml) {
        try {
            ScenarioParser.parse(FILE, yaml);
        } catch (ScenarioException e) {
            return e;
        }
        throw new AssertionError("expected a parse error for:\n" + yaml);
    }

    @Test
    void readsSettingsAndResolvesTheFilterNextToTheFile() throws Exception {
        List<Scenario> list = ScenarioParser.parse(FILE, """
                name: one
                filter: ../filter.wasm
                rootId: r
                vmId: v
                pluginConfig: pc
                vmConfig: vc
                logLevel: debug
                properties: {node.id: n1}
                steps:
                  - requestHeaders: {":path": /}
                    endOfStream: true
                """);
        Scenario s = list.get(0);
        assertThat(s.name()).isEqualTo("one");
        assertThat(s.filter()).isEqualTo(Path.of("/project/filter.wasm"));
        assertThat(s.settings().rootId()).isEqualTo("r");
        assertThat(s.settings().vmId()).isEqualTo("v");
        assertThat(s.settings().pluginConfig()).isEqualTo("pc");
        assertThat(s.settings().vmConfig()).isEqualTo("vc");
        assertThat(s.settings().logLevel()).isEqualTo(LogLevel.DEBUG);
        assertThat(s.settings().properties()).containsEntry("node.id", "n1");
        assertThat(s.steps()).singleElement().satisfies(step -> {
            assertThat(step.line()).isEqualTo(10);
            assertThat(step.action())
                    .isEqualTo(new StepAction.Headers(
                            Direction.REQUEST, dev.wasmesh.host.stream.HeaderMap.of(":path", "/"), true));
        });
    }

    @Test
    void documentsAndListsEachHoldScenarios() throws Exception {
        List<Scenario> list = ScenarioParser.parse(FILE, """
                - {filter: a.wasm, steps: [{tick: 1}]}
                - {filter: b.wasm, steps: [{tick: 2}]}
                ---
                filter: c.wasm
                steps: [{advanceClock: 2s}]
                """);
        assertThat(list).extracting(Scenario::name).containsExactly("scenario 1", "scenario 2", "scenario 3");
        assertThat(list.get(2).line()).isEqualTo(4);
    }

    @Test
    void invalidYamlNamesFileAndLine() {
        ScenarioException e = error("""
                filter: f.wasm
                steps:
                  - requestHeaders: {":method": GET
                    endOfStream: true
                """);
        assertThat(e.getMessage()).startsWith(FILE + ":").contains("invalid YAML");
        assertThat(e.line()).isBetween(3, 5);
    }

    @Test
    void unknownKeysPointAtTheirLine() {
        ScenarioException e = error("""
                filter: f.wasm
                steps:
                  - requestHeaders: {":path": /}
                    expect:
                      action: continue
                      header: {a: b}
                """);
        assertThat(e.line()).isEqualTo(6);
        assertThat(e.problem()).startsWith("steps[0].expect.header: unknown key 'header' (expected one of: action,");
        assertThat(e.problem()).contains(" headers,");
        assertThat(error("filter: f.wasm\nstep: []\n").problem()).startsWith("step: unknown key 'step'");
        assertThat(error("filter: f.wasm\nsteps:\n  - requestHedaers: {}\n").line())
                .isEqualTo(3);
    }

    @Test
    void valueErrorsAreSpecific() {
        assertThat(error("steps: [{tick: 1}]\n").problem()).contains("needs 'filter'");
        assertThat(error("filter: f\nsteps: [{tick: many}]\n").problem())
                .isEqualTo("steps[0].tick: expected a whole number, got 'many'");
        assertThat(error("filter: f\nsteps: [{tick: 0}]\n").problem())
                .isEqualTo("steps[0].tick: must be between 1 and 100000 ticks, got 0");
        assertThat(error("- filter: f\n  steps: [{tick: 1}]\n- filter: g\n  steps: [{enqueue: {value: v}}]\n"))
                .hasMessage(FILE + ":4: [1].steps[0].enqueue.queue: required");
        assertThat(error("filter: f\nsteps: [{tick: 1, complete: true}]\n").problem())
                .contains("several actions");
        assertThat(error("filter: f\nsteps: [{tick: 1, endOfStream: true}]\n").problem())
                .contains("'endOfStream' belongs to a headers or body step");
        assertThat(error("filter: f\nlogLevel: loud\nsteps: [{tick: 1}]\n").problem())
                .contains("unknown log level");
        assertThat(error("filter: f\nsteps: [{advanceClock: soon}]\n").problem())
                .contains("250ms");
        assertThat(error("filter: f\nsteps: [{requestHeaders: {a: b}, expect: {action: stop}}]\n")
                        .problem())
                .contains("continue or pause");
        assertThat(error("filter: f\n").problem()).contains("has no steps");
        assertThat(error("filter: f\nfilter: g\nsteps: [{tick: 1}]\n").problem())
                .isEqualTo("filter: duplicate key 'filter'");
        assertThat(error("").problem()).contains("no scenarios");
        assertThat(error("filter: f\nsteps: [{httpCallResponse: {status: 42}}]\n")
                        .problem())
                .contains("HTTP status");
    }

    @Test
    void unreadableFileIsAnError() {
        assertThatThrownBy(() -> ScenarioParser.parse(Path.of("/nonexistent/x.yaml")))
                .isInstanceOf(ScenarioException.class)
                .hasMessage("/nonexistent/x.yaml: no such file");
    }
}
