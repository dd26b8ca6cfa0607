package dev.wasmesh.proxy.http2;

import dev.wasmesh.proxy.log.ProxyLog;
import dev.wasmesh.proxy.worker.Worker;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The HTTP/2 handlers of one downstream connection: Netty's frame codec, one child channel per stream whose handler
 * reads and writes the stream's frames ({@link FrameHeaders} turns header blocks into header maps and back), and
 * {@link Http2Downstream} for the connection's errors and idle timeout. They take over either from the start (prior
 * knowledge, {@link PriorKnowledge}) or on {@code Upgrade: h2c}.
 */
public final class Http2Connection {
    private final Http2FrameCodec frames;
    private final Http2MultiplexHandler streams;
    private final Http2Downstream connection;

    /**
     * @param maxHeaderListSize the SETTINGS_MAX_HEADER_LIST_SIZE the connection announces
     * @param streamHandler a new handler for each stream's channel, which reads and writes HTTP/2 frames
     * @param idleTimeout how long the connection may stay without streams (0: for ever)
     * @param idleTimedOut counts a connection closed for its idle timeout
     */
    public Http2Connection(
            int maxHeaderListSize,
            Supplier<ChannelHandler> streamHandler,
            Worker worker,
            Duration idleTimeout,
            Runnable idleTimedOut,
            ProxyLog log) {
        this.frames = Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings().maxHeaderListSize(maxHeaderListSize))
                .build();
        this.streams = new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel child) {
                child.pipeline().addLast(streamHandler.get());
            }
        });
        this.connection = new Http2Downstream(worker, frames, idleTimeout, idleTimedOut, log);
    }

    /** The codec that switches the connection to HTTP/2 when the first request asks for {@code h2c}. */
    public Http2ServerUpgradeCodec upgradeCodec() {
        return new Http2ServerUpgradeCodec(frames, streams, connection);
    }

    /** Adds the handlers to a connection that speaks HTTP/2 from its first byte. */
    public void addTo(ChannelPipeline pipeline) {
        pipeline.addLast(frames, streams, connection);
    }
}
