package dev.wasmesh.proxy;

import dev.wasmesh.host.GrpcCallout;
import dev.wasmesh.host.HeaderMap;
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
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One gRPC call or stream over its own h2c connection to a cluster, as Envoy's gRPC client speaks it: a POST to
 * {@code /service/method} with length-prefixed messages, initial metadata, messages and trailers reported to the
 * filter, the call ending with grpc-status. Runs on the calling VM's worker loop.
 */
final class GrpcConnection implements GrpcCallout.Outbound {
    static final int UNAVAILABLE = 14;
    static final int DEADLINE_EXCEEDED = 4;

    private final GrpcCallout call;
    private final List<Http2StreamFrame> pending = new ArrayList<>();
    private Channel connection;
    private Http2StreamChannel stream;
    private ScheduledFuture<?> timer;
    private boolean finished;

    private GrpcConnection(GrpcCallout call) {
        this.call = call;
    }

    static void start(GrpcCallout call, ClusterConfig cluster, EventLoop loop) {
        GrpcConnection c = new GrpcConnection(call);
        call.outbound(c);
        Endpoint ep = cluster.endpoints().get(0);
        if (!call.timeout().isZero()) {
            c.timer = loop.schedule(() -> c.fail(DEADLINE_EXCEEDED, "gRPC call timed out"),
                    call.timeout().toMillis(), TimeUnit.MILLISECONDS);
        }
        c.pending.add(new DefaultHttp2HeadersFrame(c.requestHeaders(cluster), false));
        if (!call.streaming()) {
            c.pending.add(new DefaultHttp2DataFrame(frame(call.message()), true));
        }
        ChannelFuture f = new Bootstrap().group(loop).channel(Transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) cluster.connectTimeout().toMillis())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                    }
                })
                .connect(ep.host(), ep.port());
        f.addListener(done -> {
            if (!done.isSuccess()) {
                c.fail(UNAVAILABLE, "upstream connect error or disconnect/reset before headers. reset reason: "
                        + "connection failure");
                return;
            }
            c.connection = f.channel();
            if (c.finished) {
                c.connection.close();
                return;
            }
            new Http2StreamChannelBootstrap(c.connection).handler(c.new Receiver()).open().addListener(s -> {
                if (!s.isSuccess()) {
                    c.fail(UNAVAILABLE, "cannot open an HTTP/2 stream: " + s.cause());
                    return;
                }
                c.stream = (Http2StreamChannel) s.getNow();
                c.pending.forEach(c.stream::write);
                c.pending.clear();
                c.stream.flush();
            });
        });
    }

    private Http2Headers requestHeaders(ClusterConfig cluster) {
        Http2Headers h = new DefaultHttp2Headers().method("POST").scheme("http").authority(cluster.name())
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

    private void fail(int status, String message) {
        if (!finished) {
            finish();
            call.close(status, message);
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
                Http2HeadersFrame hf = (Http2HeadersFrame) frame;
                HeaderMap md = metadata(hf.headers());
                CharSequence status = hf.headers().status();
                if (!sawHeaders && status != null && !"200".contentEquals(status)) {
                    fail(httpToGrpc(status.toString()), "gRPC upstream answered HTTP " + status);
                    return;
                }
                boolean trailers = sawHeaders || hf.headers().contains("grpc-status");
                sawHeaders = true;
                if (trailers) {
                    call.receiveTrailingMetadata(md);
                    end(hf.headers());
                } else {
                    call.receiveInitialMetadata(md);
                }
            } else if (frame instanceof Http2DataFrame) {
                buffer.writeBytes(((Http2DataFrame) frame).content());
                while (buffer.readableBytes() >= 5 && buffer.readableBytes() >= 5 + buffer.getInt(
                        buffer.readerIndex() + 1)) {
                    buffer.skipBytes(1);
                    int len = buffer.readInt();
                    call.receiveMessage(ByteBufUtil.getBytes(buffer.readSlice(len)));
                }
                buffer.discardReadBytes();
                if (((Http2DataFrame) frame).isEndStream()) {
                    fail(2, "gRPC stream ended without a status");
                }
            }
        }

        private void end(Http2Headers trailers) {
            CharSequence code = trailers.get("grpc-status");
            CharSequence message = trailers.get("grpc-message");
            int status;
            try {
                status = code == null ? 2 : Integer.parseInt(code.toString());
            } catch (NumberFormatException e) {
                status = 2;
            }
            if (!finished) {
                finish();
                call.close(status, message == null ? "" : message.toString());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            buffer.release();
            fail(UNAVAILABLE, "upstream connection closed");
        }
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

    /** gRPC's mapping of HTTP statuses from a non-gRPC answer. */
    private static int httpToGrpc(String status) {
        switch (status) {
            case "400":
                return 13;
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
                return 2;
        }
    }
}
