/**
 * The host side of the ABI: every proxy-wasm function (0.1.0 to 0.2.1) and WASI preview 1, one class per concern.
 * Each turns a guest's raw arguments into a call on its VM's effective context (through
 * {@code dev.wasmesh.host.GuestAccess} where that touches state embedders cannot) and a status back;
 * {@code HostFunctions} owns the import table, from which a VM binds only the functions its module imports.
 *
 * <p>Not API: classes and members here are public only so that the host's other packages can reach them; this
 * package may change with any release.
 */
package dev.wasmesh.host.internal.functions;
