/**
 * The proxy-wasm host on Chicory, as embedders use it: create a VM per worker ({@code WasmVm}) from a loaded module
 * ({@code dev.wasmesh.host.module.ProxyWasmModule}) in a {@code HostEnvironment}, and drive its root, HTTP and
 * network contexts; a plugin's settings are a {@code PluginConfig}, a VM's end a {@code WasmFailure}. The embedder
 * plugs in its log sink, clock, timers, foreign functions and call-out transport ({@code HttpCallout},
 * {@code GrpcCallout}). Every limit the host puts on guests is in {@code GuestLimits}.
 *
 * <p>Around it: {@code module} (loading, checking, caching and inspecting modules), {@code stream} (the values a
 * stream shares with its filter), {@code shared} (shared data, queues, metrics), {@code abi} (the ABI's
 * enumerations). {@code internal} and its subpackages implement the ABI and are not API; {@code GuestAccess} is
 * their one way into this package's state and is not API either.
 */
package dev.wasmesh.host;
