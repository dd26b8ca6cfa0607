/**
 * The downstream side, Envoy's http_connection_manager: a listener's connections
 * ({@link dev.wasmesh.proxy.downstream.DownstreamInitializer}: connection limit, TLS, HTTP/1.1 or HTTP/2), their
 * requests in order with the downstream timeouts ({@code DownstreamHandler}), and one stream per request
 * ({@code ActiveStream}) that adapts the codec and the {@link dev.wasmesh.proxy.upstream.Router} to the
 * {@code stream} module's filter manager and writes the response ({@code ResponseWriter}) and the access log.
 */
package dev.wasmesh.proxy.downstream;
