/**
 * Proxy-wasm modules before they run: loading and checking one ({@code ProxyWasmModule}: the ABI marker, imports
 * this host provides, an allocator, wasm's own limits in {@code ModuleCounts}), its compiled code kept on disk
 * ({@code CodeCache}), and what {@code wasmesh inspect} reports about a module ({@code ModuleInspector},
 * {@code ModuleReport}, the toolchain guess in {@code Toolchains}). Public API.
 */
package dev.wasmesh.host.module;
