/**
 * The socket transport of every event loop and channel in the process (io_uring, epoll or NIO:
 * {@link dev.wasmesh.proxy.transport.Transport}), and the event loops' habit of yielding the core after a busy
 * iteration ({@link dev.wasmesh.proxy.transport.YieldingIoHandler}).
 */
package dev.wasmesh.proxy.transport;
