/**
 * YAML scenario files, the test format behind {@code wasmesh test}: {@code ScenarioParser} (with the package-private
 * step and expectation parsers) reads them on the {@code config} module's strict reader into {@code Scenario}s, and
 * {@code ScenarioRunner} runs each on a fresh {@code ProxyWasmHarness}, stopping a scenario at its first failing step
 * and saying where in the file it is. Results are {@code FileOutcome}s and {@code ScenarioResult}s, also written as
 * JUnit XML ({@code JUnitXmlReport}). The format is described in testing/README.md.
 */
package dev.wasmesh.testing.scenario;
