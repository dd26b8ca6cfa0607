/**
 * TLS on both sides: the listener's certificates and client-certificate checks
 * ({@link dev.wasmesh.proxy.tls.DownstreamTls}), a cluster's trust and SNI ({@link dev.wasmesh.proxy.tls.UpstreamTls}),
 * BoringSSL or the JDK ({@link dev.wasmesh.proxy.tls.TlsProvider}), what a session tells filters, and Envoy's names
 * for handshake failures ({@link dev.wasmesh.proxy.tls.TlsFailure}).
 */
package dev.wasmesh.proxy.tls;
