package dev.wasmesh.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The socket transport for every event loop and channel of the process: Linux's native epoll where Netty's native
 * library loads (fewer syscalls and less garbage per request than the JDK's selector), else Java NIO. A channel
 * must use its loop's transport, so all of them come from here. {@code -Dwasmesh.transport=nio} forces NIO.
 */
public final class Transport {
    private static final boolean EPOLL = !"nio".equals(System.getProperty("wasmesh.transport"))
            && Epoll.isAvailable();

    private Transport() {}

    public static MultiThreadIoEventLoopGroup group(int threads) {
        IoHandlerFactory io = EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, io);
    }

    /** A server bootstrap on this transport (both set SO_REUSEADDR on listeners, as servers should). */
    static ServerBootstrap server(EventLoopGroup boss, EventLoopGroup workers) {
        return new ServerBootstrap().group(boss, workers)
                .channel(EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class);
    }

    static Class<? extends Channel> socketChannel() {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
