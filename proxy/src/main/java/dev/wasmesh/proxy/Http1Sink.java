package dev.wasmesh.proxy;

import dev.wasmesh.host.HeaderMap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.function.BooleanSupplier;

/** Writes a framed message as HTTP/1.1 bytes. */
final class Http1Sink implements Framer.Sink {
    private final ByteBufAllocator alloc;
    private final boolean response;
    private final BooleanSupplier close;
    private final Framer.Output out;
    private boolean chunked;

    /** @param close for a response: whether to add {@code connection: close}, asked when the head is written */
    Http1Sink(ByteBufAllocator alloc, boolean response, BooleanSupplier close, Framer.Output out) {
        this.alloc = alloc;
        this.response = response;
        this.close = close;
        this.out = out;
    }

    @Override
    public void head(HeaderMap headers, long length) {
        chunked = length == Http1Encoder.CHUNKED;
        out.write(response ? Http1Encoder.responseHead(alloc, headers, length, close.getAsBoolean())
                : Http1Encoder.requestHead(alloc, headers, length), false);
    }

    @Override
    public void body(byte[] data, boolean last) {
        if (chunked) {
            if (data.length > 0) {
                out.write(Http1Encoder.chunk(alloc, data), false); // an empty chunk would end the body
            }
            if (last) {
                out.write(Http1Encoder.lastChunk(alloc, null), true);
            }
        } else if (data.length > 0 || last) {
            out.write(data.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(data), last);
        }
    }

    @Override
    public void trailers(HeaderMap trailers) {
        out.write(Http1Encoder.lastChunk(alloc, trailers), true);
    }
}
