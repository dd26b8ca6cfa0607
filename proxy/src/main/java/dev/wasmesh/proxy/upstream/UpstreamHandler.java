package dev.wasmesh.proxy.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import java.util.regex.Pattern;

/** Hands what an upstream connection receives to the exchange that currently owns the connection. */
final class UpstreamHandler extends SimpleChannelInboundHandler<HttpObject> {
    /** The "name/" in front of an address's text. */
    private static final Pattern HOST_NAME = Pattern.compile("^[^/]*/");

    private UpstreamExchange exchange;
    private boolean skippingInformational;
    private String remote;
    private Channel channel;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    /** The connection's remote address as text ("" before it connects), worked out once per connection. */
    String remote() {
        if (remote == null) {
            if (channel.remoteAddress() == null) {
                return "";
            }
            remote = HOST_NAME.matcher(channel.remoteAddress().toString()).replaceFirst("");
        }
        return remote;
    }

    void exchange(UpstreamExchange exchange) {
        this.exchange = exchange;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
        if (msg.decoderResult().isFailure()) {
            if (exchange != null) {
                exchange.onMalformedResponse();
            }
            ctx.close();
            return;
        }
        if (msg instanceof HttpResponse) {
            // 1xx answers (100 Continue) are not the response; Envoy does not forward them either by default.
            skippingInformational = ((HttpResponse) msg).status().code() / 100 == 1;
            if (!skippingInformational && exchange != null) {
                exchange.onResponse((HttpResponse) msg);
            }
        }
        if (msg instanceof HttpContent && !skippingInformational && exchange != null) {
            exchange.onContent((HttpContent) msg);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.onWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.onDisconnect();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
