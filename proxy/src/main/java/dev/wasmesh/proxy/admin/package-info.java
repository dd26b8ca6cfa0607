/**
 * Envoy's admin endpoint, as far as it matters here: {@code /ready}, {@code /stats}, {@code /stats/prometheus},
 * {@code /config_dump} ({@link dev.wasmesh.proxy.admin.ConfigDump}) and {@code /logging}. It reads what
 * {@link dev.wasmesh.proxy.admin.AdminServer.Sources} gives it, not the server.
 */
package dev.wasmesh.proxy.admin;
