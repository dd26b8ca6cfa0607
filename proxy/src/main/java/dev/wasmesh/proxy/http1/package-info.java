/**
 * The HTTP/1.1 codec, on both sides: requests read from the bytes straight into a {@code HeaderMap}
 * ({@link dev.wasmesh.proxy.http1.Http1RequestDecoder}, strict against request smuggling), upstream responses
 * ({@link dev.wasmesh.proxy.http1.UpstreamResponseDecoder}), the encoders, and {@link dev.wasmesh.proxy.http1.Framer},
 * which chooses content-length or chunked framing for what the filters left.
 */
package dev.wasmesh.proxy.http1;
