/**
 * The proxy's own counters and gauges, named as Envoy names its stats ({@link dev.wasmesh.proxy.stats.ProxyStats}),
 * and their Prometheus form with Envoy's tag extraction ({@link dev.wasmesh.proxy.stats.Prometheus},
 * {@link dev.wasmesh.proxy.stats.Histogram}). The admin endpoint serves them.
 */
package dev.wasmesh.proxy.stats;
