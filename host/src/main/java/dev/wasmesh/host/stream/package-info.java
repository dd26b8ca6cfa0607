/**
 * The values a stream context shares with its embedder: header maps and bodies the filter reads and changes in
 * place ({@code HeaderMap}, {@code Body}), the stream's facts read as properties ({@code StreamInfo}, with its
 * {@code Metadata}, {@code TlsInfo} and the proxy's {@code NodeInfo}), what a filter asks of the stream
 * ({@code StreamControl}, {@code NetworkControl}, {@code LocalResponse}) and whether the stream goes on after a
 * callback ({@code Action}). Public API; depends on nothing of the host but the ABI's enumerations (and, for
 * metadata's encoding, {@code dev.wasmesh.host.internal.envoy}).
 */
package dev.wasmesh.host.stream;
