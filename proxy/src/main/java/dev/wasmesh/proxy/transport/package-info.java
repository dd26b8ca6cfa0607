/**
 * Sockets: the transport of every event loop and channel in the process (io_uring, epoll or NIO:
 * {@link dev.wasmesh.proxy.transport.Transport}), the event loops' habit of yielding the core after a busy iteration
 * ({@link dev.wasmesh.proxy.transport.YieldingIoHandler}), and what a downstream connection's socket tells its
 * streams and filters: addresses and TLS ({@link dev.wasmesh.proxy.transport.ConnectionInfo}).
 */
package dev.wasmesh.proxy.transport;
