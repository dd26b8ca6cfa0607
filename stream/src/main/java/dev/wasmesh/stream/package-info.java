/**
 * Envoy's stream rules, written once for the proxy and the test harness: {@code FilterManager} runs one HTTP stream
 * through a chain of wasm filters (request in order, response in reverse, pause and continue, body buffering and
 * watermarks, local replies, failure policies), each filter a {@code ChainFilter}, and asks the transport around it
 * for the rest through {@code FilterManagerCallbacks}. The proxy's {@code downstream.ActiveStream} and the harness's
 * {@code HttpStream} are such transports, so a chain behaves the same under both. Knows no codec or socket; builds
 * on the host's API only. {@code Pipeline}, one direction's iteration, is package-private.
 */
package dev.wasmesh.stream;
