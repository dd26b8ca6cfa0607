/**
 * The proxy-wasm ABI's enumerations and versions as Java types (log levels, stream, buffer, map and metric types,
 * peer types, statuses): public API, used by embedders with {@code dev.wasmesh.host}. It depends on nothing else of
 * the host; the raw plumbing that reads guest memory is in {@code dev.wasmesh.host.internal}.
 */
package dev.wasmesh.host.abi;
