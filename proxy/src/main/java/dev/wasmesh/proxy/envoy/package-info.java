/**
 * Reads Envoy's v3 static bootstrap (YAML or JSON, on the {@code config} module's strict reader) into the plain values
 * of {@code proxy.config}: {@code EnvoyConfigLoader} reads the top level and is the package's entry point, the
 * package-private readers its parts (listeners with their routes, clusters, wasm plugins, TLS contexts). A field
 * wasmesh does not run is an {@code EnvoyConfigException} naming file, line and path, never silently ignored; only
 * fields that cannot change what a request sees are accepted with a notice.
 */
package dev.wasmesh.proxy.envoy;
