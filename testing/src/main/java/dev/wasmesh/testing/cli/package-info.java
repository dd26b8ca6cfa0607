/**
 * {@code wasmesh test} ({@code TestCommand}), which runs scenario files and reports per scenario in text, JSON or JUnit
 * XML, and the {@code --output} option ({@code OutputOptions}) that the other {@code wasmesh} commands mix in too.
 * picocli is an optional dependency of this module, so users of the harness as a library do not get it; not API.
 */
package dev.wasmesh.testing.cli;
