/**
 * What the proxy runs, as plain values: listeners, routes, clusters, filters, wasm services, stats tags and
 * {@link dev.wasmesh.proxy.config.Limits}, filled from {@code wasmesh run}'s flags or from Envoy's bootstrap
 * ({@code proxy.envoy}), and where filter modules come from ({@link dev.wasmesh.proxy.config.ModuleSources}). Nothing
 * here runs or opens a socket.
 */
package dev.wasmesh.proxy.config;
