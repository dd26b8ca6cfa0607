package dev.wasmesh.proxy.http1;

import dev.wasmesh.host.stream.HeaderMap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.function.BooleanSupplier;

/**
 * Writes a framed message as HTTP/1.1 bytes. The head waits for what follows it (a {@link Framer} always sends the
 * body or trailers right after the head), so that a short body goes out in the same buffer: one write, one segment.
 */
public final class Http1Sink implements Framer.Sink {
    /** Bodies up to this size join the head's buffer; longer ones follow it as a buffer of their own. */
    private static final int JOIN_LIMIT = 16 * 1024;

    private final ByteBufAllocator alloc;
    private final boolean response;
    private final BooleanSupplier close;
    private final Framer.Output out;
    private boolean chunked;
    private ByteBuf head;

    /** @param close for a response: whether to add {@code connection: close}, asked when the head is written */
    public Http1Sink(ByteBufAllocator alloc, boolean response, BooleanSupplier close, Framer.Output out) {
        this.alloc = alloc;
        this.response = response;
        this.close = close;
        this.out = out;
    }

    @Override
    public void head(HeaderMap headers, long length) {
        chunked = length == Http1Encoder.CHUNKED;
        head = response
                ? Http1Encoder.responseHead(alloc, headers, length, close.getAsBoolean())
                : Http1Encoder.requestHead(alloc, headers, length);
    }

    @Override
    public void body(byte[] data, boolean last) {
        if (chunked) {
            sendHead();
            if (data.length > 0) {
                out.write(Http1Encoder.chunk(alloc, data), false); // an empty chunk would end the body
            }
            if (last) {
                out.write(Http1Encoder.lastChunk(alloc, null), true);
            }
        } else if (head != null && data.length <= JOIN_LIMIT) {
            ByteBuf b = head;
            head = null;
            out.write(b.writeBytes(data), last);
        } else {
            sendHead();
            if (data.length > 0 || last) {
                out.write(alloc.buffer(data.length).writeBytes(data), last);
            }
        }
    }

    @Override
    public void trailers(HeaderMap trailers) {
        sendHead();
        out.write(Http1Encoder.lastChunk(alloc, trailers), true);
    }

    private void sendHead() {
        if (head != null) {
            ByteBuf b = head;
            head = null;
            out.write(b, false);
        }
    }
}
