package dev.wasmesh.proxy;

import dev.wasmesh.host.StreamInfo;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * A downstream connection's addresses as filters read them ({@code source.*}, {@code destination.*},
 * {@code connection.id}): worked out once per connection and kept on its channel, since every stream on it
 * (keep-alive requests, HTTP/2 streams) reports the same.
 */
public record ConnectionInfo(
        String sourceAddress, int sourcePort, String destinationAddress, int destinationPort, long id) {
    private static final AttributeKey<ConnectionInfo> KEY = AttributeKey.valueOf(ConnectionInfo.class, "info");

    public static ConnectionInfo of(Channel connection) {
        ConnectionInfo info = connection.attr(KEY).get();
        if (info == null) {
            info = new ConnectionInfo(
                    host(connection.remoteAddress()),
                    port(connection.remoteAddress()),
                    host(connection.localAddress()),
                    port(connection.localAddress()),
                    System.identityHashCode(connection));
            connection.attr(KEY).set(info);
        }
        return info;
    }

    public void applyTo(StreamInfo stream) {
        stream.source(sourceAddress, sourcePort)
                .destination(destinationAddress, destinationPort)
                .connectionId(id);
    }

    private static String host(SocketAddress a) {
        return a instanceof InetSocketAddress
                ? ((InetSocketAddress) a).getAddress().getHostAddress()
                : "";
    }

    private static int port(SocketAddress a) {
        return a instanceof InetSocketAddress ? ((InetSocketAddress) a).getPort() : 0;
    }
}
