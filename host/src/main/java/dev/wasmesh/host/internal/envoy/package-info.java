/**
 * What Envoy answers itself and wasmesh answers the same way: its attributes as proxy_get_property reads them
 * ({@code Properties}, encoded by {@code PropertyValues}) and the foreign functions it registers for every filter
 * ({@code EnvoyForeignFunctions}, {@code EnvoySignatures}). Not API: classes and members are public only so that
 * the host's other packages can reach them; this package may change with any release.
 */
package dev.wasmesh.host.internal.envoy;
