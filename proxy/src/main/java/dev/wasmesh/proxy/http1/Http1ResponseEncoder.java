package dev.wasmesh.proxy.http1;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponseEncoder;

/**
 * Encodes the few responses made as Netty objects on an HTTP/1.1 connection (101 for h2c, 100-continue, 400/431 for
 * a request the codec refused) and lets the bytes of proxied responses ({@link Http1Encoder}) pass untouched.
 */
public final class Http1ResponseEncoder extends HttpResponseEncoder {
    @Override
    public boolean acceptOutboundMessage(Object msg) throws Exception {
        return !(msg instanceof ByteBuf) && super.acceptOutboundMessage(msg);
    }
}
