/**
 * TCP listeners: Envoy's network filter chain with {@code tcp_proxy} last. Each connection runs through the wasm
 * network filters of its worker ({@link dev.wasmesh.proxy.tcp.NetworkFilter}) and is proxied to a cluster on the same
 * event loop, with each side's reading following the other side's write watermarks.
 */
package dev.wasmesh.proxy.tcp;
