package dev.wasmesh.proxy.transport;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The socket transport for every event loop and channel of the process. A channel must use its loop's transport,
 * so all of them come from here. By default Linux's io_uring where the kernel allows it (one syscall submits and
 * reaps a loop's reads and writes together: about a tenth less CPU per proxied request than epoll, bench/load),
 * else native epoll (fewer syscalls and less garbage than the JDK's selector), else Java NIO.
 * {@code -Dwasmesh.transport=io_uring|epoll|nio} asks for one; what is not available gives way to the next.
 *
 * <p>io_uring only from Linux 5.12: before it, ring memory counts against RLIMIT_MEMLOCK (often 64 KiB), so Netty's
 * one-entry probe passes while an event loop's full-size rings fail to be created.
 */
public enum Transport {
    IO_URING,
    EPOLL,
    NIO;

    /** The {@code wasmesh.transport} property, or "" when unset. */
    private static final String WANTED = System.getProperty("wasmesh.transport", "");

    private static final Transport CURRENT = choose(WANTED);

    private static Transport choose(String wanted) {
        return switch (wanted) {
            case "nio" -> NIO;
            case "epoll" -> Epoll.isAvailable() ? EPOLL : NIO;
            default -> ioUringUsable() ? IO_URING : Epoll.isAvailable() ? EPOLL : NIO;
        };
    }

    private static boolean ioUringUsable() {
        return kernelAtLeast(System.getProperty("os.version", ""), 5, 12) && IoUring.isAvailable();
    }

    /** Whether a Linux release string such as "6.1.0-13-amd64" is at least major.minor. */
    static boolean kernelAtLeast(String release, int major, int minor) {
        Matcher m = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(release);
        if (!m.find()) {
            return false;
        }
        int ma = Integer.parseInt(m.group(1));
        return ma > major || ma == major && Integer.parseInt(m.group(2)) >= minor;
    }

    /** The transport of this process, as {@code -Dwasmesh.transport} names it. */
    public static String currentName() {
        return CURRENT.name().toLowerCase(Locale.ROOT);
    }

    /** What to warn about when {@code -Dwasmesh.transport} asked for a transport this process cannot use; or null. */
    public static String unavailableWish() {
        if (WANTED.isEmpty() || WANTED.equals(currentName())) {
            return null;
        }
        return "-Dwasmesh.transport=" + WANTED + " is not available here (io_uring, epoll or nio); using "
                + currentName();
    }

    public static MultiThreadIoEventLoopGroup group(int threads) {
        IoHandlerFactory handler = switch (CURRENT) {
            case IO_URING -> IoUringIoHandler.newFactory();
            case EPOLL -> EpollIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
        return new MultiThreadIoEventLoopGroup(threads, YieldingIoHandler.wrap(handler));
    }

    /** A server bootstrap on this transport (all set SO_REUSEADDR on listeners, as servers should). */
    public static ServerBootstrap server(EventLoopGroup boss, EventLoopGroup workers) {
        Class<? extends ServerChannel> type = switch (CURRENT) {
            case IO_URING -> IoUringServerSocketChannel.class;
            case EPOLL -> EpollServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
        };
        return new ServerBootstrap().group(boss, workers).channel(type);
    }

    public static Class<? extends Channel> socketChannel() {
        return switch (CURRENT) {
            case IO_URING -> IoUringSocketChannel.class;
            case EPOLL -> EpollSocketChannel.class;
            case NIO -> NioSocketChannel.class;
        };
    }
}
