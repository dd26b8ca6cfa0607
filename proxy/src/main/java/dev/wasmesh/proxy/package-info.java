/**
 * The proxy behind {@code wasmesh run}: {@link dev.wasmesh.proxy.ProxyServer} puts the packages together (workers,
 * listeners, clusters, plugins, admin) and hands each part only what it uses. {@code config} says what to run,
 * {@code downstream}, {@code http1} and {@code http2} take requests in, {@code wasm} runs the filters (their stream
 * rules live in the {@code stream} module), {@code upstream} sends requests on, {@code tcp} proxies TCP through
 * network filters; {@code admin}, {@code stats} and {@code log} report; {@code envoy} reads Envoy's bootstrap and
 * {@code cli} is the {@code run} and {@code echo} commands.
 */
package dev.wasmesh.proxy;
