package dev.wasmesh.proxy;

import io.netty.channel.EventLoop;

/** One event-loop thread with its own upstream connection pool and its own VMs. */
final class Worker {
    private final int index;
    private final EventLoop loop;
    private final UpstreamPool pool;

    Worker(int index, EventLoop loop, ProxyServer server) {
        this.index = index;
        this.loop = loop;
        this.pool = new UpstreamPool(loop, server);
    }

    int index() {
        return index;
    }

    EventLoop loop() {
        return loop;
    }

    UpstreamPool pool() {
        return pool;
    }
}
