/**
 * The proxy-wasm host on Chicory, as embedders use it: load a module ({@code ProxyWasmModule}), create a VM per
 * worker ({@code WasmVm}) in a {@code HostEnvironment}, and drive its root, HTTP and network contexts. The
 * {@code *Functions} classes implement the ABI's host functions on top of {@code dev.wasmesh.host.internal}.
 */
package dev.wasmesh.host;
