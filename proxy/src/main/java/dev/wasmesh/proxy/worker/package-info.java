/**
 * The workers: each an event-loop thread with its own upstream connection pool and one sweep for the timeouts of
 * its connections and streams; a connection, its streams, their VMs and their upstreams stay on one worker.
 */
package dev.wasmesh.proxy.worker;
