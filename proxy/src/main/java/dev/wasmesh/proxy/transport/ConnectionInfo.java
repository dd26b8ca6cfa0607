package dev.wasmesh.proxy.transport;

import dev.wasmesh.host.stream.StreamInfo;
import dev.wasmesh.host.stream.TlsInfo;
import dev.wasmesh.proxy.tls.TlsSessions;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * A downstream connection's addresses and TLS facts as filters read them ({@code source.*}, {@code destination.*},
 * {@code connection.*}): worked out once per connection and kept on its channel, since every stream on it
 * (keep-alive requests, HTTP/2 streams) reports the same. A connection's first stream starts after its handshake.
 */
public record ConnectionInfo(
        String sourceAddress,
        int sourcePort,
        String destinationAddress,
        int destinationPort,
        long id,
        TlsInfo tls,
        String requestedServerName) {
    private static final AttributeKey<ConnectionInfo> KEY = AttributeKey.valueOf(ConnectionInfo.class, "info");

    public static ConnectionInfo of(Channel connection) {
        ConnectionInfo info = connection.attr(KEY).get();
        if (info == null) {
            SslHandler ssl = connection.pipeline().get(SslHandler.class);
            info = new ConnectionInfo(
                    host(connection.remoteAddress()),
                    port(connection.remoteAddress()),
                    host(connection.localAddress()),
                    port(connection.localAddress()),
                    System.identityHashCode(connection),
                    ssl == null ? null : TlsSessions.info(ssl.engine()),
                    ssl == null
                            ? ""
                            : TlsSessions.requestedServerName(ssl.engine().getSession()));
            connection.attr(KEY).set(info);
        }
        return info;
    }

    public void applyTo(StreamInfo stream) {
        stream.source(sourceAddress, sourcePort)
                .destination(destinationAddress, destinationPort)
                .connectionId(id)
                .tls(tls, requestedServerName);
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
