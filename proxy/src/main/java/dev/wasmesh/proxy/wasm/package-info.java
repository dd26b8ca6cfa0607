/**
 * The wasm plugins as the proxy runs them: filters loaded and compiled once
 * ({@link dev.wasmesh.proxy.wasm.FilterLoader}, {@link dev.wasmesh.proxy.wasm.LoadedFilter}), one VM per VM key and
 * worker shared by every plugin with that key ({@link dev.wasmesh.proxy.wasm.WorkerVm}: failure, backoff and reload
 * of a VM, its timers), one generation of all chains and services ({@link dev.wasmesh.proxy.wasm.WasmPlugins}), a
 * listener's chain ({@link dev.wasmesh.proxy.wasm.FilterChain}), and the watcher behind {@code --watch}.
 */
package dev.wasmesh.proxy.wasm;
