package dev.wasmesh.testing.scenario;

import dev.wasmesh.host.WasmFailureException;
import dev.wasmesh.host.module.ProxyWasmModule;
import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.testing.FilterLoadException;
import dev.wasmesh.testing.HarnessBuilder;
import dev.wasmesh.testing.HttpStream;
import dev.wasmesh.testing.LogRecorder;
import dev.wasmesh.testing.PendingGrpcCall;
import dev.wasmesh.testing.PendingHttpCall;
import dev.wasmesh.testing.PluginStartException;
import dev.wasmesh.testing.ProxyWasmHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Runs scenarios through {@link ProxyWasmHarness}, one fresh VM per scenario. A scenario stops at its first step
 * with a problem; the result says which step, where in the file, and what was expected and found.
 */
public final class ScenarioRunner {
    private static final int LOG_TAIL = 10;

    private final ProxyWasmModule.Engine engineOverride;

    /** @param engineOverride the engine for every scenario, or null to use each scenario's own (default compiler) */
    public ScenarioRunner(ProxyWasmModule.Engine engineOverride) {
        this.engineOverride = engineOverride;
    }

    public ScenarioResult run(Scenario scenario) {
        long start = System.nanoTime();
        ProxyWasmHarness harness;
        try {
            HarnessBuilder b = scenario.settings().apply(ProxyWasmHarness.load(scenario.filter()), engineOverride);
            for (ChainedPlugin p : scenario.then()) {
                b = scenario.settings().engine(p.apply(b.then(p.filter())), engineOverride);
            }
            harness = b.start();
        } catch (FilterLoadException e) {
            // The usual cause in a new project: the scenario ran before the first build.
            boolean built =
                    Files.exists(scenario.filter()) && scenario.then().stream().allMatch(p -> Files.exists(p.filter()));
            String hint = built ? "" : " (build it first, e.g. with `wasmesh build`)";
            return result(
                    scenario,
                    start,
                    List.of(
                            "cannot load the filter: " + e.getMessage() + hint,
                            "  scenario at " + scenario.file() + ":" + scenario.line()),
                    List.of());
        } catch (PluginStartException e) {
            String expected = scenario.expectStartFailure();
            if (expected != null && e.getMessage().contains(expected)) {
                return result(scenario, start, List.of(), List.of());
            }
            List<String> details = expected == null
                    ? List.of("the plugin failed to start: " + e.getMessage())
                    : List.of(
                            "plugin start failure",
                            "  expected: containing " + Checks.quote(expected),
                            "  actual:   " + Checks.quote(e.getMessage()));
            return result(scenario, start, details, tail(e.logs()));
        }
        try (harness) {
            if (scenario.expectStartFailure() != null) {
                return result(
                        scenario,
                        start,
                        List.of(
                                "plugin start failure",
                                "  expected: containing " + Checks.quote(scenario.expectStartFailure()),
                                "  actual:   the plugin started"),
                        tail(harness.logs()));
            }
            RunState state = new RunState(harness, scenario.settings().streamFacts());
            for (Step step : scenario.steps()) {
                List<String> problems = runStep(state, step);
                if (!problems.isEmpty()) {
                    List<String> details = new ArrayList<>();
                    details.add("step " + step.index() + " (" + step.label() + ") at " + scenario.file() + ":"
                            + step.line());
                    problems.forEach(p -> details.add("  " + p));
                    return result(scenario, start, details, tail(harness.logs()));
                }
            }
            return result(scenario, start, List.of(), List.of());
        }
    }

    private List<String> runStep(RunState state, Step step) {
        state.select(step.stream());
        try {
            perform(state, step.action());
        } catch (WasmFailureException e) {
            if (!step.expectsFailure()) {
                return List.of("the filter failed: " + e.getMessage());
            }
        } catch (StepException e) {
            return List.of(e.getMessage());
        } catch (RuntimeException e) {
            return List.of("cannot run the step: " + e.getMessage());
        }
        Direction direction = step.action().direction() != null ? step.action().direction() : state.direction();
        List<Mismatch> mismatches = new ArrayList<>();
        for (Check c : step.checks()) {
            c.verify(state, direction, mismatches);
        }
        List<String> lines = new ArrayList<>();
        for (Mismatch m : mismatches) {
            lines.add(m.what() + " (line " + m.line() + ")");
            lines.add("  expected: " + m.expected());
            lines.add("  actual:   " + m.actual());
        }
        return lines;
    }

    private static void perform(RunState state, StepAction action) throws StepException {
        ProxyWasmHarness h = state.harness();
        if (action instanceof StepAction.Headers a) {
            HttpStream s = state.open();
            state.worked(a.direction());
            if (a.direction() == Direction.REQUEST) {
                s.sendRequestHeaders(a.headers(), a.endOfStream());
            } else {
                s.sendResponseHeaders(a.headers(), a.endOfStream());
            }
        } else if (action instanceof StepAction.Body a) {
            body(state, a);
        } else if (action instanceof StepAction.Trailers a) {
            HttpStream s = state.open();
            state.worked(a.direction());
            if (a.direction() == Direction.REQUEST) {
                s.sendRequestTrailers(a.trailers());
            } else {
                s.sendResponseTrailers(a.trailers());
            }
        } else if (action instanceof StepAction.HttpCallAnswer a) {
            answer(h, a);
        } else if (action instanceof StepAction.GrpcAnswer a) {
            answer(h, a);
        } else if (action instanceof StepAction.Tick a) {
            h.tick(a.count());
        } else if (action instanceof StepAction.AdvanceClock a) {
            h.advanceClock(a.by());
        } else if (action instanceof StepAction.Enqueue a) {
            h.enqueue(
                    a.vmId() == null ? h.pluginConfig().vmId() : a.vmId(),
                    a.queue(),
                    a.value().getBytes(StandardCharsets.UTF_8));
        } else if (action instanceof StepAction.ForeignCall a) {
            h.callForeignFunction(a.functionId(), a.arguments().getBytes(StandardCharsets.UTF_8));
        } else if (action instanceof StepAction.Complete) {
            state.stream()
                    .orElseThrow(() -> new StepException(
                            "stream '" + state.currentName() + "' has not been opened by an earlier step"))
                    .complete();
        }
    }

    private static void body(RunState state, StepAction.Body a) {
        HttpStream s = state.open();
        state.worked(a.direction());
        boolean request = a.direction() == Direction.REQUEST;
        if (a.chunks().size() == 1) {
            String chunk = a.chunks().get(0);
            if (request) {
                s.sendRequestBody(chunk, a.endOfStream());
            } else {
                s.sendResponseBody(chunk, a.endOfStream());
            }
            return;
        }
        List<byte[]> chunks =
                a.chunks().stream().map(c -> c.getBytes(StandardCharsets.UTF_8)).collect(Collectors.toList());
        if (request) {
            s.deliverRequestBody(chunks, a.endOfStream());
        } else {
            s.deliverResponseBody(chunks, a.endOfStream());
        }
    }

    private static void answer(ProxyWasmHarness h, StepAction.HttpCallAnswer a) throws StepException {
        List<PendingHttpCall> pending = h.pendingHttpCalls();
        if (pending.isEmpty()) {
            throw new StepException("there is no pending HTTP call-out to answer");
        }
        PendingHttpCall call = pending.get(0);
        if (a.fail()) {
            call.fail();
            return;
        }
        HeaderMap headers = a.headers().copy();
        if (!headers.contains(":status")) {
            HeaderMap withStatus = HeaderMap.of(":status", Integer.toString(a.status()));
            for (int i = 0; i < headers.size(); i++) {
                withStatus.add(headers.nameAt(i), headers.valueAt(i));
            }
            headers = withStatus;
        }
        call.respond(headers, a.body().getBytes(StandardCharsets.UTF_8), a.trailers());
    }

    private static void answer(ProxyWasmHarness h, StepAction.GrpcAnswer a) throws StepException {
        List<PendingGrpcCall> pending = h.pendingGrpcCalls();
        if (pending.isEmpty()) {
            throw new StepException("there is no open gRPC call to answer");
        }
        PendingGrpcCall call = pending.get(0);
        if (!call.streaming()) {
            answerUnary(call, a);
            return;
        }
        if (a.initialMetadata() != null) {
            call.sendInitialMetadata(a.initialMetadata());
        }
        for (String m : a.messages()) {
            call.sendMessage(m);
        }
        if (a.trailingMetadata() != null) {
            call.sendTrailingMetadata(a.trailingMetadata());
        }
        if (a.close()) {
            call.close(a.status(), a.statusMessage());
        }
    }

    /** As Envoy's gRPC client, a unary call ends once: with its response message, or with a failure status. */
    private static void answerUnary(PendingGrpcCall call, StepAction.GrpcAnswer a) throws StepException {
        boolean success =
                a.messages().size() == 1 && a.status() == 0 && a.statusMessage().isEmpty();
        boolean failure = a.messages().isEmpty() && a.status() != 0;
        if (a.initialMetadata() != null || a.trailingMetadata() != null || !a.close() || success == failure) {
            throw new StepException("'grpcResponse' for the unary " + call + " takes 'message' (the call succeeds) "
                    + "or a non-zero 'status' with an optional 'statusMessage' (it fails): Envoy delivers a unary "
                    + "call's response or its failure, never metadata");
        }
        if (success) {
            call.respond(a.messages().get(0));
        } else {
            call.fail(a.status(), a.statusMessage());
        }
    }

    private static List<String> tail(LogRecorder logs) {
        List<String> lines =
                logs.entries().stream().map(LogRecorder.Entry::toString).collect(Collectors.toList());
        return lines.subList(Math.max(0, lines.size() - LOG_TAIL), lines.size());
    }

    private static ScenarioResult result(
            Scenario scenario, long startNanos, List<String> details, List<String> logTail) {
        return new ScenarioResult(
                scenario, details.isEmpty(), details, logTail, Duration.ofNanos(System.nanoTime() - startNanos));
    }

    /** A step that cannot be carried out (nothing to answer, no such stream). */
    private static final class StepException extends Exception {
        private static final long serialVersionUID = 1L;

        StepException(String message) {
            super(message);
        }
    }
}
