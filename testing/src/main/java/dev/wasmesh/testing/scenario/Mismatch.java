package dev.wasmesh.testing.scenario;

/** One expectation that did not hold: what was checked, the expected and the actual value, and where. */
record Mismatch(String what, String expected, String actual, int line) {}
