package dev.wasmesh.proxy;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponseDecoder;

/**
 * Decodes an upstream connection's responses. Requests go out as bytes ({@link Http1Encoder}), so the decoder is
 * told directly, rather than by an encoder beside it, when the response to come answers a HEAD and has no body.
 */
final class UpstreamResponseDecoder extends HttpResponseDecoder {
    private boolean bodyless;

    UpstreamResponseDecoder() {
        super(new HttpDecoderConfig().setHeadersFactory(HeaderMapHeaders.FACTORY)
                .setTrailersFactory(HeaderMapHeaders.FACTORY));
    }

    void expectBodyless(boolean bodyless) {
        this.bodyless = bodyless;
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage msg) {
        return bodyless || super.isContentAlwaysEmpty(msg);
    }
}
