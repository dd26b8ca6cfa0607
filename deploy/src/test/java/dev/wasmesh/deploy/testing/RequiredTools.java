package dev.wasmesh.deploy.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests that drive a real tool (docker-registry, tmux, clang, npm, cargo) skip, saying why, on a machine without
 * it. CI sets {@code WASMESH_REQUIRE_TOOLS=1} (see .ci/run): there a missing tool fails the test instead, so that
 * nothing passes in CI by being skipped.
 */
public final class RequiredTools {
    private RequiredTools() {}

    public static boolean required() {
        return "1".equals(System.getenv("WASMESH_REQUIRE_TOOLS"));
    }

    /** Skips the test unless {@code present}; under CI, fails it. */
    public static void assume(boolean present, String missing) {
        if (required()) {
            assertTrue(present, missing + " (WASMESH_REQUIRE_TOOLS=1: CI installs it)");
        } else {
            assumeTrue(present, missing);
        }
    }
}
