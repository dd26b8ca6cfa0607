/**
 * The proxy's commands, {@code wasmesh run} and {@code wasmesh echo} (picocli, an optional dependency: library users
 * of the proxy do not need it).
 */
package dev.wasmesh.proxy.cli;
