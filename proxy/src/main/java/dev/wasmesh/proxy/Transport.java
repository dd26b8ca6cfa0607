package dev.wasmesh.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.Locale;

/**
 * The socket transport for every event loop and channel of the process. A channel must use its loop's transport,
 * so all of them come from here. By default Linux's io_uring where the kernel allows it (one syscall submits and
 * reaps a loop's reads and writes together: about a tenth less CPU per proxied request than epoll, bench/load),
 * else native epoll (fewer syscalls and less garbage than the JDK's selector), else Java NIO.
 * {@code -Dwasmesh.transport=epoll|nio} asks for one of the others.
 */
public enum Transport {
    IO_URING, EPOLL, NIO;

    private static final Transport CURRENT = choose(System.getProperty("wasmesh.transport", ""));

    private static Transport choose(String wanted) {
        return switch (wanted) {
            case "nio" -> NIO;
            case "epoll" -> Epoll.isAvailable() ? EPOLL : NIO;
            default -> IoUring.isAvailable() ? IO_URING : Epoll.isAvailable() ? EPOLL : NIO;
        };
    }

    /** The transport of this process, as {@code -Dwasmesh.transport} names it. */
    static String currentName() {
        return CURRENT.name().toLowerCase(Locale.ROOT);
    }

    public static MultiThreadIoEventLoopGroup group(int threads) {
        IoHandlerFactory handler = switch (CURRENT) {
            case IO_URING -> IoUringIoHandler.newFactory();
            case EPOLL -> EpollIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
        return new MultiThreadIoEventLoopGroup(threads, handler);
    }

    /** A server bootstrap on this transport (all set SO_REUSEADDR on listeners, as servers should). */
    static ServerBootstrap server(EventLoopGroup boss, EventLoopGroup workers) {
        Class<? extends ServerChannel> type = switch (CURRENT) {
            case IO_URING -> IoUringServerSocketChannel.class;
            case EPOLL -> EpollServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
        };
        return new ServerBootstrap().group(boss, workers).channel(type);
    }

    static Class<? extends Channel> socketChannel() {
        return switch (CURRENT) {
            case IO_URING -> IoUringSocketChannel.class;
            case EPOLL -> EpollSocketChannel.class;
            case NIO -> NioSocketChannel.class;
        };
    }
}
