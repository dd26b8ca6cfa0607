package dev.wasmesh.testing.scenario;

import dev.wasmesh.host.stream.HeaderMap;
import java.time.Duration;
import java.util.List;

/** What a step does before its expectations are checked. */
sealed interface StepAction {
    /** The stream direction the action works on, or null if it is not a stream phase. */
    default Direction direction() {
        return null;
    }

    record Headers(Direction direction, HeaderMap headers, boolean endOfStream) implements StepAction {}

    /** A single chunk, or (when {@code chunks} came as a list) several delivered as consecutive data frames. */
    record Body(Direction direction, List<String> chunks, boolean endOfStream) implements StepAction {}

    record Trailers(Direction direction, HeaderMap trailers) implements StepAction {}

    record HttpCallAnswer(boolean fail, int status, HeaderMap headers, String body, HeaderMap trailers)
            implements StepAction {}

    record GrpcAnswer(
            HeaderMap initialMetadata,
            List<String> messages,
            HeaderMap trailingMetadata,
            boolean close,
            int status,
            String statusMessage)
            implements StepAction {}

    record Tick(int count) implements StepAction {}

    record AdvanceClock(Duration by) implements StepAction {}

    /** {@code vmId} null means the scenario's own vm id. */
    record Enqueue(String vmId, String queue, String value) implements StepAction {}

    record ForeignCall(int functionId, String arguments) implements StepAction {}

    record Complete() implements StepAction {}

    /** A step that only checks. */
    record None() implements StepAction {}
}
