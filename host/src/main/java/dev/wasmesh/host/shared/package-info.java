/**
 * What the VMs of one {@code HostEnvironment} share, as Envoy shares it across workers: shared data with its
 * compare-and-swap ({@code SharedData}), shared queues ({@code SharedQueues}) and the filters' metrics
 * ({@code Metrics}). Thread-safe; guest bytes held here count against the process's {@code GuestMemoryBudget}.
 * Public API.
 */
package dev.wasmesh.host.shared;
