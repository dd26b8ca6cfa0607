package dev.wasmesh.testing.scenario;

import dev.wasmesh.testing.HttpStream;
import dev.wasmesh.testing.ProxyWasmHarness;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A running scenario: the harness, its named streams, and the direction each stream last worked on. */
final class RunState {
    private final ProxyWasmHarness harness;
    private final PluginSettings.StreamFacts facts;
    private final Map<String, HttpStream> streams = new HashMap<>();
    private final Map<String, Direction> directions = new HashMap<>();
    private String current = Step.MAIN_STREAM;

    RunState(ProxyWasmHarness harness, PluginSettings.StreamFacts facts) {
        this.harness = harness;
        this.facts = facts;
    }

    ProxyWasmHarness harness() {
        return harness;
    }

    void select(String streamName) {
        current = streamName;
    }

    String currentName() {
        return current;
    }

    /** The selected stream, opened on first use. */
    HttpStream open() {
        return streams.computeIfAbsent(
                current,
                n -> harness.newHttpStream(facts.toStreamInfo(harness.clock().realtimeNanos())));
    }

    /** The selected stream, if a step has opened it. */
    Optional<HttpStream> stream() {
        return Optional.ofNullable(streams.get(current));
    }

    void worked(Direction d) {
        directions.put(current, d);
    }

    /** The direction the selected stream last worked on (request before any phase). */
    Direction direction() {
        return directions.getOrDefault(current, Direction.REQUEST);
    }
}
