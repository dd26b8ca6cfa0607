package dev.wasmesh.testing.scenario;

import dev.wasmesh.testsupport.Examples;
import java.nio.file.Path;

/** The scenario fixtures in src/test/resources, used in place so their relative filter paths resolve. */
public final class ScenarioFiles {
    private ScenarioFiles() {}

    public static Path samples() {
        return Examples.root().resolveSibling("testing/src/test/resources/scenarios");
    }

    public static Path bad(String name) {
        return Examples.root().resolveSibling("testing/src/test/resources/bad").resolve(name);
    }
}
