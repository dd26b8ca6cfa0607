package dev.wasmesh.proxy.upstream;

import dev.wasmesh.host.GrpcCallout;
import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.proxy.config.ClusterConfig;
import dev.wasmesh.proxy.config.Endpoint;
import dev.wasmesh.proxy.tls.TlsFailure;
import dev.wasmesh.proxy.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One gRPC call or stream over its own h2c connection to a cluster, as Envoy's gRPC client speaks it: a POST to
 * {@code /service/method} with length-prefixed messages, the call ending with grpc-status. What the server sends
 * reaches the filter as Envoy reports it: a stream gets its initial metadata, messages, trailing metadata and close;
 * a unary call only its last message once it ended OK, or its failure. Runs on the calling VM's worker loop.
 */
final class GrpcConnection implements GrpcCallout.Outbound {
    private static final int UNKNOWN = 2;
    private static final int INTERNAL = 13;
    private static final int UNAVAILABLE = 14;

    private final GrpcCallout call;
    private final List<Http2StreamFrame> pending = new ArrayList<>();
    private Channel connection;
    private Http2StreamChannel stream;
    private ScheduledFuture<?> timer;
    private boolean finished;
    private boolean initialMetadataReported;
    private byte[] response; // a unary call's last message: Envoy hands over the last one the server sent

    private GrpcConnection(GrpcCallout call) {
        this.call = call;
    }

    static void start(GrpcCallout call, ClusterConfig cluster, EventLoop loop) {
        GrpcConnection c = new GrpcConnection(call);
        call.outbound(c);
        Endpoint ep = cluster.endpoints().get(0);
        if (!call.timeout().isZero()) {
            // Envoy's router times the call out with a local reply, which its gRPC client reads as UNAVAILABLE.
            c.timer = loop.schedule(
                    () -> c.localReply(UNAVAILABLE, "upstream request timeout"),
                    call.timeout().toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        c.pending.add(new DefaultHttp2HeadersFrame(c.requestHeaders(cluster), false));
        if (!call.streaming()) {
            c.pending.add(new DefaultHttp2DataFrame(frame(call.message()), true));
        }
        // Set as the channel registers, before it connects.
        SslHandler[] ssl = new SslHandler[1];
        ChannelFuture f = new Bootstrap()
                .group(loop)
                .channel(Transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        cluster.connectTimeout().toMillis())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (cluster.tls() != null) {
                            ssl[0] = cluster.tls()
                                    .newHandler(ch.alloc(), ep.host(), ep.port(), true, cluster.connectTimeout());
                            ch.pipeline().addLast(ssl[0]);
                        }
                        ch.pipeline()
                                .addLast(
                                        Http2FrameCodecBuilder.forClient().build(),
                                        new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                    }
                })
                .connect(ep.host(), ep.port());
        f.addListener(done -> {
            if (!done.isSuccess()) {
                c.connectFailed(done.cause());
            } else if (cluster.tls() == null) {
                c.connected(f.channel());
            } else {
                ssl[0].handshakeFuture().addListener(hs -> {
                    if (hs.isSuccess()) {
                        c.connected(f.channel());
                    } else {
                        f.channel().close();
                        c.connectFailed(hs.cause());
                    }
                });
            }
        });
    }

    private void connectFailed(Throwable cause) {
        String tls = TlsFailure.reason(cause);
        localReply(
                UNAVAILABLE,
                "upstream connect error or disconnect/reset before headers. reset reason: connection failure"
                        + (tls == null ? "" : ", transport failure reason: " + tls));
    }

    private void connected(Channel ch) {
        connection = ch;
        if (finished) {
            connection.close();
            return;
        }
        new Http2StreamChannelBootstrap(connection)
                .handler(new Receiver())
                .open()
                .addListener(s -> {
                    if (!s.isSuccess()) {
                        localReply(UNAVAILABLE, "cannot open an HTTP/2 stream: " + s.cause());
                        return;
                    }
                    stream = (Http2StreamChannel) s.getNow();
                    pending.forEach(stream::write);
                    pending.clear();
                    stream.flush();
                });
    }

    private Http2Headers requestHeaders(ClusterConfig cluster) {
        Http2Headers h = new DefaultHttp2Headers()
                .method("POST")
                .scheme(cluster.tls() == null ? "http" : "https")
                .authority(cluster.name())
                .path("/" + call.service() + "/" + call.method());
        h.add("content-type", "application/grpc");
        h.add("te", "trailers");
        if (!call.timeout().isZero()) {
            h.add("grpc-timeout", call.timeout().toMillis() + "m");
        }
        HeaderMap md = call.initialMetadata();
        for (int i = 0; i < md.size(); i++) {
            h.add(md.nameAt(i), md.valueAt(i));
        }
        return h;
    }

    /** gRPC's length-prefixed message: a zero compression flag, a 4-byte big-endian length, the bytes. */
    private static ByteBuf frame(byte[] message) {
        ByteBuf b = Unpooled.buffer(5 + message.length);
        b.writeByte(0).writeInt(message.length).writeBytes(message);
        return b;
    }

    private void write(Http2StreamFrame frame) {
        if (finished) {
            ReferenceCountUtil.release(frame);
        } else if (stream == null) {
            pending.add(frame);
        } else {
            stream.writeAndFlush(frame);
        }
    }

    @Override
    public void send(byte[] message, boolean endOfStream) {
        write(new DefaultHttp2DataFrame(frame(message), endOfStream));
    }

    @Override
    public void close() {
        write(new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true));
    }

    @Override
    public void cancel() {
        // The filter gave up on the call: no callback follows, the connection just goes.
        finish();
    }

    /**
     * An answer Envoy makes up itself (a timeout, a connection failure): a gRPC trailers-only reply whose headers
     * become the trailing metadata.
     */
    private void localReply(int status, String message) {
        end(
                status,
                message,
                HeaderMap.of(
                        "content-type",
                        "application/grpc",
                        "grpc-status",
                        Integer.toString(status),
                        "grpc-message",
                        message));
    }

    /**
     * The call is over. A unary call then gets its last message if it ended OK (INTERNAL without one, as in Envoy),
     * else its failure; a stream gets the initial metadata if none came yet and the trailing metadata (both empty
     * where the server sent none), then the close.
     */
    private void end(int status, String message, HeaderMap trailers) {
        if (finished) {
            return;
        }
        finish();
        if (!call.streaming()) {
            if (status != 0) {
                call.fail(status, message);
            } else if (response == null) {
                call.fail(INTERNAL, "");
            } else {
                call.respond(response);
            }
            return;
        }
        if (!initialMetadataReported) {
            call.receiveInitialMetadata(new HeaderMap());
        }
        call.receiveTrailingMetadata(trailers);
        call.close(status, message);
    }

    private void initialMetadata(HeaderMap metadata) {
        initialMetadataReported = true;
        if (call.streaming()) {
            call.receiveInitialMetadata(metadata);
        }
    }

    private void finish() {
        finished = true;
        if (timer != null) {
            timer.cancel(false);
        }
        pending.forEach(ReferenceCountUtil::release);
        pending.clear();
        if (connection != null) {
            connection.close();
        }
    }

    private final class Receiver extends SimpleChannelInboundHandler<Http2StreamFrame> {
        private final ByteBuf buffer = Unpooled.buffer();
        private boolean sawHeaders;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
            if (finished) {
                return;
            }
            if (frame instanceof Http2HeadersFrame) {
                headers((Http2HeadersFrame) frame);
            } else if (frame instanceof Http2DataFrame) {
                buffer.writeBytes(((Http2DataFrame) frame).content());
                while (buffer.readableBytes() >= 5
                        && buffer.readableBytes() >= 5 + buffer.getInt(buffer.readerIndex() + 1)) {
                    buffer.skipBytes(1);
                    int len = buffer.readInt();
                    byte[] message = ByteBufUtil.getBytes(buffer.readSlice(len));
                    if (call.streaming()) {
                        call.receiveMessage(message);
                    } else {
                        response = message;
                    }
                }
                buffer.discardReadBytes();
                if (((Http2DataFrame) frame).isEndStream()) {
                    end(UNKNOWN, "gRPC stream ended without a status", new HeaderMap());
                }
            }
        }

        /** Envoy's reading: headers that end the stream are a trailers-only answer, after empty initial metadata. */
        private void headers(Http2HeadersFrame hf) {
            Http2Headers h = hf.headers();
            HeaderMap md = metadata(h);
            if (sawHeaders) {
                end(status(h), message(h), md);
                return;
            }
            sawHeaders = true;
            CharSequence status = h.status();
            boolean ok = status == null || "200".contentEquals(status);
            if (hf.isEndStream() && (ok || h.contains("grpc-status"))) {
                initialMetadata(new HeaderMap());
                end(status(h), message(h), md);
            } else if (!ok) {
                initialMetadata(new HeaderMap());
                end(httpToGrpc(status.toString()), "gRPC upstream answered HTTP " + status, new HeaderMap());
            } else {
                initialMetadata(md);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            buffer.release();
            // As Envoy: a reset before the response is a local reply; after it, the stream fails with INTERNAL.
            if (sawHeaders) {
                end(INTERNAL, "", new HeaderMap());
            } else {
                localReply(
                        UNAVAILABLE,
                        "upstream connect error or disconnect/reset before headers. reset reason: "
                                + "connection termination");
            }
        }
    }

    /** grpc-status, UNKNOWN when it is missing or not a number (as Envoy). */
    private static int status(Http2Headers trailers) {
        CharSequence code = trailers.get("grpc-status");
        try {
            return code == null ? UNKNOWN : Integer.parseInt(code.toString());
        } catch (NumberFormatException e) {
            return UNKNOWN;
        }
    }

    /** grpc-message as text: the filter reads it with proxy_get_status, which hands over UTF-8. */
    private static String message(Http2Headers trailers) {
        CharSequence message = trailers.get("grpc-message");
        return message == null ? "" : HeaderMap.text(message.toString());
    }

    private static HeaderMap metadata(Http2Headers headers) {
        HeaderMap m = new HeaderMap();
        for (Map.Entry<CharSequence, CharSequence> e : headers) {
            String name = e.getKey().toString();
            if (!name.startsWith(":")) {
                m.add(name, e.getValue().toString());
            }
        }
        return m;
    }

    /** gRPC's mapping of HTTP statuses from a non-gRPC answer, as Envoy's Grpc::Utility::httpToGrpcStatus. */
    private static int httpToGrpc(String status) {
        switch (status) {
            case "400":
                return INTERNAL;
            case "401":
                return 16;
            case "403":
                return 7;
            case "404":
                return 12;
            case "429":
            case "502":
            case "503":
            case "504":
                return UNAVAILABLE;
            default:
                return UNKNOWN;
        }
    }
}
