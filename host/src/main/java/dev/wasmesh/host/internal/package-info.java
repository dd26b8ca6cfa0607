/**
 * The host's raw plumbing between guest pointers and typed Java: {@code GuestMemory}, the one place that reads and
 * writes guest memory (every access bounds-checked, data handed to the guest through its allocator);
 * {@code BudgetedMemory}, the linear memory itself, reserved from the process's guest budget; {@code HeaderPairs},
 * the ABI's header-map encoding, and {@code HeaderRules}, what a guest may hand over as a header; and the VM's
 * context table ({@code ContextTable}). The host functions are in {@code internal.functions}, Envoy's attributes and
 * foreign functions in {@code internal.envoy}.
 *
 * <p>Not API: classes and members here are public only so that the host's other packages can reach them.
 * Embedders use {@code dev.wasmesh.host} and its public subpackages; this package may change with any release.
 */
package dev.wasmesh.host.internal;
