package dev.wasmesh.proxy.transport;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.ThreadAwareExecutor;

/**
 * An event loop's I/O handler that gives up the core after every iteration that handled I/O. A proxy's writes wake
 * its peers (the client, the upstream), and on a core they share, as a sidecar shares cores with its application,
 * those peers could otherwise wait for the loop's scheduler slice to end before they read what it sent. Yielding
 * costs one {@code sched_yield} per busy iteration and returns at once when nothing else wants the core.
 * On a 2-core machine shared by wrk, the upstream and the proxy, the proxy's p99 fell from 3.3–4.5 ms to 1.7–3.0 ms
 * at the same or higher throughput (bench/README.md). {@code -Dwasmesh.yield=false} turns it off.
 */
final class YieldingIoHandler implements IoHandler {
    private static final boolean ENABLED = Boolean.parseBoolean(System.getProperty("wasmesh.yield", "true"));

    private final IoHandler inner;

    private YieldingIoHandler(IoHandler inner) {
        this.inner = inner;
    }

    static IoHandlerFactory wrap(IoHandlerFactory factory) {
        if (!ENABLED) {
            return factory;
        }
        return new IoHandlerFactory() {
            @Override
            public IoHandler newHandler(ThreadAwareExecutor executor) {
                return new YieldingIoHandler(factory.newHandler(executor));
            }

            @Override
            public boolean isChangingThreadSupported() {
                return factory.isChangingThreadSupported();
            }
        };
    }

    @Override
    public int run(IoHandlerContext context) {
        int handled = inner.run(context);
        if (handled > 0) {
            Thread.yield();
        }
        return handled;
    }

    @Override
    public void initialize() {
        inner.initialize();
    }

    @Override
    public void prepareToDestroy() {
        inner.prepareToDestroy();
    }

    @Override
    public void destroy() {
        inner.destroy();
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
        return inner.register(handle);
    }

    @Override
    public void wakeup() {
        inner.wakeup();
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return inner.isCompatible(handleType);
    }
}
