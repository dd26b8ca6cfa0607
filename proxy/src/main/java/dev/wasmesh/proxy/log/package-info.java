/**
 * Where the proxy writes: its own and the filters' log lines to stderr at a level the admin endpoint can change,
 * and the access log (Envoy's default line format, {@link dev.wasmesh.proxy.log.AccessLog}) buffered to stdout
 * ({@link dev.wasmesh.proxy.log.ProxyLog}).
 */
package dev.wasmesh.proxy.log;
