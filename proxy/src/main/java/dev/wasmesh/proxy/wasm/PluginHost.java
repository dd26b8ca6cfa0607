package dev.wasmesh.proxy.wasm;

import dev.wasmesh.host.HostEnvironment;
import dev.wasmesh.proxy.log.ProxyLog;
import dev.wasmesh.proxy.stats.ProxyStats;

/**
 * What the plugins' VMs use of the proxy: the host environment they run in, and where their VMs' memory, failures
 * and reloads are counted and logged.
 */
public record PluginHost(HostEnvironment env, ProxyStats stats, ProxyLog log) {}
