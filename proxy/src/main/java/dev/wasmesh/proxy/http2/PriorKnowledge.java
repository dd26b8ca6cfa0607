package dev.wasmesh.proxy.http2;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import java.util.List;

/**
 * h2c by prior knowledge: if a connection opens with the HTTP/2 client preface, {@code toHttp2} turns the
 * pipeline into HTTP/2; otherwise this handler steps aside and the HTTP/1.1 handlers behind it read the bytes.
 * (Netty's own handler for this only works with its combined HTTP/1.1 codec.)
 */
public final class PriorKnowledge extends ByteToMessageDecoder {
    private static final ByteBuf PREFACE = Unpooled.unreleasableBuffer(Http2CodecUtil.connectionPrefaceBuf());

    private final Runnable toHttp2;

    public PriorKnowledge(Runnable toHttp2) {
        this.toHttp2 = toHttp2;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int n = Math.min(in.readableBytes(), PREFACE.readableBytes());
        if (!ByteBufUtil.equals(PREFACE, PREFACE.readerIndex(), in, in.readerIndex(), n)) {
            ctx.pipeline().remove(this); // HTTP/1.1: what was read goes on to its decoder
        } else if (n == PREFACE.readableBytes()) {
            toHttp2.run();
            ctx.pipeline().remove(this); // the preface itself goes on to the HTTP/2 codec
        }
    }
}
