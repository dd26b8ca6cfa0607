/**
 * The host's raw plumbing between guest pointers and typed Java: {@code GuestMemory}, the one place that reads and
 * writes guest memory (every access bounds-checked, data handed to the guest through its allocator), and
 * {@code HeaderPairs}, the ABI's header-map encoding. Not API: embedders use {@code dev.wasmesh.host} and the
 * ABI's enumerations in {@code dev.wasmesh.host.abi}; this package may change with any release.
 */
package dev.wasmesh.host.internal;
