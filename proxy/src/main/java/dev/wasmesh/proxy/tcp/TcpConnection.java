package dev.wasmesh.proxy.tcp;

import dev.wasmesh.host.FailurePolicy;
import dev.wasmesh.host.NetworkContext;
import dev.wasmesh.host.WasmFailureException;
import dev.wasmesh.host.abi.PeerType;
import dev.wasmesh.host.abi.StreamType;
import dev.wasmesh.host.stream.Action;
import dev.wasmesh.host.stream.Body;
import dev.wasmesh.host.stream.NetworkControl;
import dev.wasmesh.host.stream.StreamInfo;
import dev.wasmesh.proxy.config.Endpoint;
import dev.wasmesh.proxy.transport.ConnectionInfo;
import dev.wasmesh.proxy.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Function;

/**
 * One downstream TCP connection, driven as Envoy's network filter manager drives its read filters with
 * {@code tcp_proxy} last. The connection's read buffer is shared by the filters: a filter that pauses leaves the
 * data in it, the next read appends and every filter from the first sees the whole again, and
 * proxy_continue_stream(DOWNSTREAM) resumes with the filters after the one that calls it. Upstream data runs
 * through the filters in reverse order; held upstream data goes on only with the next chunk (Envoy cannot resume
 * it). Half-closes pass through as end_of_stream. All on the connection's worker loop, the upstream connection
 * included.
 */
final class TcpConnection extends ChannelInboundHandlerAdapter {
    private final TcpListener listener;
    private final List<? extends NetworkFilter> filters;
    private final NetworkContext[] contexts;
    /** proxy_on_new_connection ran (Envoy's "initialized" read filter). */
    private final boolean[] initialized;
    /** The filter's context did not open and its policy closes the connection when its turn comes. */
    private final boolean[] failClosed;

    private final boolean[] upstreamCloseReported;
    /** The downstream read buffer, which the filters see and change as DOWNSTREAM_DATA. */
    private final Body downstreamData = new Body();
    /** Upstream data no filter has let through yet (UPSTREAM_DATA). */
    private final Body upstreamData = new Body();

    private final StreamInfo info = new StreamInfo();
    private Channel downstream;
    private Channel connecting;
    private Channel upstream;
    /** tcp_proxy's onNewConnection ran: the upstream connection is being made or is made. */
    private boolean proxyStarted;

    private boolean downstreamEnd;
    private boolean downstreamEndForwarded;
    private boolean upstreamEnd;
    private boolean upstreamEndForwarded;
    /** A filter called proxy_close_stream; the connection closes once its callback has returned. */
    private boolean closeRequested;
    /** The downstream connection is closing: no further filter callbacks. */
    private boolean closing;
    /** The proxy closed the downstream connection (LOCAL), rather than the client (REMOTE). */
    private boolean closedLocally;

    private boolean started;
    private boolean ended;

    TcpConnection(TcpListener listener, List<? extends NetworkFilter> filters) {
        this.listener = listener;
        this.filters = filters;
        this.contexts = new NetworkContext[filters.size()];
        this.initialized = new boolean[filters.size()];
        this.failClosed = new boolean[filters.size()];
        this.upstreamCloseReported = new boolean[filters.size()];
    }

    // ---- downstream events -----------------------------------------------------------------------------------

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        downstream = ctx.channel();
        listener.stats().inc(listener.stat("downstream_cx_total"));
        ConnectionInfo.of(downstream).applyTo(info);
        info.route(listener.cluster().name(), "").startTimeNanos(listener.realtimeNanos());
        started = true;
        filters.forEach(NetworkFilter::streamStarted);
        // As Envoy: every filter's context exists before the first proxy_on_new_connection.
        for (int i = 0; i < contexts.length; i++) {
            NetworkFilter f = filters.get(i);
            try {
                contexts[i] = f.openNetwork(new Control(i), info);
            } catch (WasmFailureException e) {
                f.failed(e);
                failClosed[i] = f.policy() != FailurePolicy.FAIL_OPEN;
            }
        }
        continueReading(0);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            if (closing) {
                return;
            }
            listener.stats().add(listener.stat("downstream_cx_rx_bytes_total"), buf.readableBytes());
            downstreamData.append(ByteBufUtil.getBytes(buf));
        } finally {
            buf.release();
        }
        continueReading(0);
        updateDownstreamReading();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && !downstreamEnd) {
            downstreamEnd = true;
            continueReading(0);
            if (upstreamEndForwarded && !closing) {
                // Both halves are done (once the upstream's end is written): the client finished last.
                flushAndClose(downstream);
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (upstream != null && !closing) {
            listener.stats()
                    .inc(listener.clusterStat(
                            downstream.isWritable()
                                    ? "upstream_flow_control_resumed_reading_total"
                                    : "upstream_flow_control_paused_reading_total"));
        }
        updateUpstreamReading();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        downstream.close(); // a reset or I/O error: the client's side ended the connection
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        end();
        ctx.fireChannelInactive();
    }

    /**
     * The downstream connection closed: proxy_on_downstream_connection_close on every context, then done, log and
     * delete (Envoy's order), and the upstream connection goes too.
     */
    private void end() {
        if (ended || !started) {
            return;
        }
        ended = true;
        closing = true;
        PeerType peer = closedLocally ? PeerType.LOCAL : PeerType.REMOTE;
        for (int i = 0; i < contexts.length; i++) {
            NetworkContext c = contexts[i];
            if (c != null) {
                try {
                    c.onDownstreamConnectionClose(peer);
                } catch (WasmFailureException e) {
                    filters.get(i).failed(e);
                }
                try {
                    c.finish();
                } catch (WasmFailureException e) {
                    filters.get(i).failed(e);
                }
                contexts[i] = null;
            }
        }
        filters.forEach(NetworkFilter::streamEnded);
        if (connecting != null) {
            connecting.close();
        }
        if (upstream != null && upstream.isActive()) {
            flushAndClose(upstream);
        }
    }

    // ---- the read filters, then tcp_proxy --------------------------------------------------------------------

    /** Envoy's onContinueReading: the read filters from {@code from} on, then tcp_proxy. */
    private void continueReading(int from) {
        for (int i = from; i < contexts.length; i++) {
            if (closing) {
                return;
            }
            if (failClosed[i]) {
                closeDownstream(true);
                return;
            }
            if (contexts[i] != null && !initialized[i]) {
                initialized[i] = true;
                if (call(i, NetworkContext::onNewConnection) == Action.PAUSE) {
                    return;
                }
            }
            if (contexts[i] != null && (downstreamData.length() > 0 || downstreamEnd)) {
                boolean end = downstreamEnd;
                if (call(i, c -> c.onDownstreamData(downstreamData, end)) == Action.PAUSE) {
                    return;
                }
            }
        }
        if (closing) {
            return;
        }
        if (!proxyStarted) {
            proxyStarted = true;
            connect();
        } else if (upstream != null) {
            forwardDownstream();
        }
    }

    /** Runs one filter callback; a failed VM closes the connection or skips the filter by its policy. */
    private Action call(int i, Function<NetworkContext, Action> callback) {
        Action action;
        try {
            action = callback.apply(contexts[i]);
        } catch (WasmFailureException e) {
            NetworkFilter f = filters.get(i);
            f.failed(e);
            NetworkContext failed = contexts[i];
            contexts[i] = null;
            failed.finish();
            if (f.policy() == FailurePolicy.FAIL_OPEN) {
                return Action.CONTINUE;
            }
            closeDownstream(true);
            return Action.PAUSE;
        }
        if (closeRequested) {
            closeDownstream(true);
            return Action.PAUSE;
        }
        return action;
    }

    // ---- upstream --------------------------------------------------------------------------------------------

    /** tcp_proxy's onNewConnection: connect to the cluster, reading nothing more downstream meanwhile. */
    private void connect() {
        Endpoint ep = listener.pickEndpoint();
        listener.stats().inc(listener.clusterStat("upstream_cx_total"));
        ChannelFuture f = new Bootstrap()
                .group(downstream.eventLoop())
                .channel(Transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        listener.cluster().connectTimeout().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, listener.watermark())
                .handler(new UpstreamSide())
                .connect(ep.host(), ep.port());
        connecting = f.channel();
        f.addListener((ChannelFuture done) -> {
            connecting = null;
            if (closing) {
                done.channel().close(); // the client went while the proxy was connecting
            } else if (done.isSuccess()) {
                connected(done.channel());
            } else {
                // As Envoy's tcp_proxy: no upstream, so the downstream connection closes without flushing.
                listener.stats().inc(listener.clusterStat("upstream_cx_connect_fail"));
                closeDownstream(false);
            }
        });
    }

    private void connected(Channel ch) {
        upstream = ch;
        InetSocketAddress a = (InetSocketAddress) ch.remoteAddress();
        info.upstream(a.getAddress().getHostAddress(), a.getPort());
        forwardDownstream();
        updateUpstreamReading();
        updateDownstreamReading();
    }

    /** tcp_proxy's onData: what the filters let through goes upstream, end_of_stream as a half-close. */
    private void forwardDownstream() {
        if (downstreamData.length() > 0) {
            upstream.writeAndFlush(Unpooled.wrappedBuffer(downstreamData.toByteArray()));
            downstreamData.clear();
        }
        if (downstreamEnd && !downstreamEndForwarded) {
            downstreamEndForwarded = true;
            shutdownOutputAfterWrites(upstream, () -> {
                if (upstreamEnd) {
                    upstream.close();
                }
            });
        }
        updateDownstreamReading();
    }

    /** Envoy's write filters: upstream data through the filters in reverse order, then to the client. */
    private void upstreamData() {
        for (int i = contexts.length - 1; i >= 0; i--) {
            if (closing) {
                return;
            }
            if (contexts[i] == null) {
                continue;
            }
            boolean end = upstreamEnd;
            Action action = call(i, c -> c.onUpstreamData(upstreamData, end));
            if (end && contexts[i] != null && !closing && !upstreamCloseReported[i]) {
                // Envoy reports the upstream close only this way, after data with end_of_stream.
                upstreamCloseReported[i] = true;
                call(i, c -> {
                    c.onUpstreamConnectionClose(PeerType.UNKNOWN);
                    return Action.CONTINUE;
                });
            }
            if (action == Action.PAUSE || closing) {
                return;
            }
        }
        if (upstreamData.length() > 0) {
            listener.stats().add(listener.stat("downstream_cx_tx_bytes_total"), upstreamData.length());
            downstream.writeAndFlush(Unpooled.wrappedBuffer(upstreamData.toByteArray()));
            upstreamData.clear();
        }
        if (upstreamEnd && !upstreamEndForwarded) {
            upstreamEndForwarded = true;
            shutdownOutputAfterWrites(downstream, () -> {
                if (downstreamEnd) {
                    // Both halves are done and the proxy finished last.
                    closedLocally = true;
                    downstream.close();
                }
            });
        }
        updateUpstreamReading();
    }

    /** The upstream connection's handler. */
    private final class UpstreamSide extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                if (closing) {
                    return;
                }
                upstreamData.append(ByteBufUtil.getBytes(buf));
            } finally {
                buf.release();
            }
            upstreamData();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent && !upstreamEnd) {
                upstreamEnd = true;
                if (downstreamEndForwarded) {
                    ctx.channel().close();
                }
                if (!closing) {
                    upstreamData();
                }
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (!closing) {
                listener.stats()
                        .inc(listener.stat(
                                ctx.channel().isWritable()
                                        ? "downstream_flow_control_resumed_reading_total"
                                        : "downstream_flow_control_paused_reading_total"));
            }
            updateDownstreamReading();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.channel().close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            // As Envoy's tcp_proxy: once the upstream connection is gone the downstream one closes, flushing.
            if (!upstreamEndForwarded || !downstreamEnd) {
                closeDownstream(true);
            }
        }
    }

    // ---- closing and flow control ----------------------------------------------------------------------------

    /** Closes the downstream connection from the proxy's side (LOCAL), after its queued writes if {@code flush}. */
    private void closeDownstream(boolean flush) {
        if (closing) {
            return;
        }
        closing = true;
        closedLocally = true;
        if (flush) {
            downstream.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            downstream.close();
        }
    }

    private static void flushAndClose(Channel ch) {
        ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /** Half-closes {@code ch} once what was written to it has gone (shutting the output drops queued writes). */
    private static void shutdownOutputAfterWrites(Channel ch, Runnable then) {
        ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> {
            if (ch.isActive()) {
                ((DuplexChannel) ch).shutdownOutput().addListener(shut -> then.run());
            }
        });
    }

    /**
     * Reads downstream only once the upstream connection is made (as tcp_proxy, which disables reading from the
     * accept on), while the upstream takes what is written to it and the filters hold less than the buffer limit.
     */
    private void updateDownstreamReading() {
        boolean read = !closing
                && !downstreamEnd
                && upstream != null
                && upstream.isWritable()
                && downstreamData.length() < listener.bufferLimit();
        if (downstream.config().isAutoRead() != read) {
            downstream.config().setAutoRead(read);
        }
    }

    /** Reads upstream only while the client takes what is written to it and the filters hold less than the limit. */
    private void updateUpstreamReading() {
        if (upstream == null) {
            return;
        }
        boolean read = !closing && downstream.isWritable() && upstreamData.length() < listener.bufferLimit();
        if (upstream.config().isAutoRead() != read) {
            upstream.config().setAutoRead(read);
        }
    }

    // ---- the filters' steering -------------------------------------------------------------------------------

    /** How filter {@code index} steers the connection; Envoy acts on both calls once the VM call has returned. */
    private final class Control implements NetworkControl {
        private final int index;

        Control(int index) {
            this.index = index;
        }

        @Override
        public void continueStream(StreamType type) {
            downstream.eventLoop().execute(() -> {
                if (!closing && contexts[index] != null) {
                    continueReading(index + 1);
                    updateDownstreamReading();
                }
            });
        }

        @Override
        public void closeStream(StreamType type) {
            closeRequested = true;
            downstream.eventLoop().execute(() -> closeDownstream(true));
        }
    }
}
