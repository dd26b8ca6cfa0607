/**
 * The one strict reader of YAML and JSON configuration, shared by the Envoy bootstrap ({@code proxy.envoy}) and the
 * scenario files ({@code testing.scenario}): {@code StrictYaml} reads a document into {@code ConfigValue}s that know
 * their path and line, {@code ConfigMap} records which keys were read so that one nobody read is refused instead of
 * ignored, and every problem is a {@code ConfigException} naming file, line and path. Public API; depends on
 * snakeyaml-engine only and on no other wasmesh module.
 */
package dev.wasmesh.config;
