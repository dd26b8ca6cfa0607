/**
 * HTTP/2 on a downstream connection: by prior knowledge ({@link dev.wasmesh.proxy.http2.PriorKnowledge}) or by
 * {@code Upgrade: h2c}, Netty's frame codec with one child channel per stream
 * ({@link dev.wasmesh.proxy.http2.Http2Connection}), and the connection's errors and idle timeout.
 */
package dev.wasmesh.proxy.http2;
