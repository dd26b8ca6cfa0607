package dev.wasmesh.testing;

import dev.wasmesh.host.NetworkContext;
import dev.wasmesh.host.RootContext;
import dev.wasmesh.host.abi.PeerType;
import dev.wasmesh.host.abi.StreamType;
import dev.wasmesh.host.stream.Action;
import dev.wasmesh.host.stream.NetworkControl;
import dev.wasmesh.host.stream.StreamInfo;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One TCP connection through a network filter, driven as Envoy drives it. Opening it runs proxy_on_context_create
 * and proxy_on_new_connection; each send runs a data callback and returns the filter's {@link Action}; afterwards
 * the getters show the data as the filter left it, what it let through, and the continue/close calls it made. Work
 * the filter started (call-out callbacks, queue notifications) runs before each method returns.
 *
 * <p>Data follows Envoy: while the filter's last data callback in a direction paused, the next chunk is appended and
 * the filter sees all it holds; when it continues, the held data is forwarded. Downstream data also goes on when the
 * filter calls proxy_continue_stream(DOWNSTREAM); Envoy cannot resume upstream data (that call answers
 * UNIMPLEMENTED), so held upstream data goes on only with a later chunk the filter continues. As in Envoy, upstream
 * data with end_of_stream is followed by proxy_on_upstream_connection_close(UNKNOWN), and a proxy_close_stream
 * closes the downstream connection: proxy_on_downstream_connection_close(LOCAL), then the context ends.
 */
public final class TcpStream extends FilterStream<TcpStream> implements AutoCloseable {
    private final NetworkContext context;
    private final StreamDirection downstream = new StreamDirection();
    private final StreamDirection upstream = new StreamDirection();
    private final Action newConnectionAction;
    private boolean closing;
    private boolean upstreamClosed;
    private final Set<StreamType> continuedDuringCallback = EnumSet.noneOf(StreamType.class);
    private boolean inCallback;

    TcpStream(ProxyWasmHarness harness, RootContext root, StreamInfo info, Map<String, byte[]> properties) {
        super(harness, info, properties);
        this.context = root.newNetworkContext(new Control(), info);
        this.newConnectionAction = runCallback(context::onNewConnection);
        harness.drain();
    }

    @Override
    NetworkContext context() {
        return context;
    }

    @Override
    TcpStream self() {
        return this;
    }

    // ---- data and closes -------------------------------------------------------------------------------------

    public Action sendDownstreamData(String chunk, boolean endOfStream) {
        return sendDownstreamData(chunk.getBytes(StandardCharsets.UTF_8), endOfStream);
    }

    /** proxy_on_downstream_data with {@code chunk} added to whatever the filter still holds (see class doc). */
    public Action sendDownstreamData(byte[] chunk, boolean endOfStream) {
        requireOpen();
        int before = downstream.forwarded().length;
        Action action = runCallback(() -> downstream.body(chunk, endOfStream, context::onDownstreamData));
        dropIfClosing(downstream, before);
        harness.drain();
        return action;
    }

    public Action sendUpstreamData(String chunk, boolean endOfStream) {
        return sendUpstreamData(chunk.getBytes(StandardCharsets.UTF_8), endOfStream);
    }

    /**
     * proxy_on_upstream_data with {@code chunk} added to whatever the filter still holds; with {@code endOfStream},
     * proxy_on_upstream_connection_close(UNKNOWN) follows, as in Envoy.
     */
    public Action sendUpstreamData(byte[] chunk, boolean endOfStream) {
        requireOpen();
        int before = upstream.forwarded().length;
        Action action = runCallback(() -> upstream.body(chunk, endOfStream, context::onUpstreamData));
        dropIfClosing(upstream, before);
        if (endOfStream && !upstreamClosed) {
            upstreamClosed = true;
            context.onUpstreamConnectionClose(PeerType.UNKNOWN);
        }
        harness.drain();
        return action;
    }

    /**
     * The downstream connection closed: proxy_on_downstream_connection_close, then the context ends as in Envoy
     * (proxy_on_done, proxy_on_log, proxy_on_delete).
     */
    public void closeDownstream(PeerType peer) {
        requireOpen();
        try {
            context.onDownstreamConnectionClose(peer);
        } finally {
            context.finish();
        }
        harness.drain();
    }

    /** proxy_on_upstream_connection_close (Envoy reports UNKNOWN, after upstream data with end_of_stream). */
    public void closeUpstream(PeerType peer) {
        requireOpen();
        if (upstreamClosed) {
            throw new IllegalStateException("the upstream connection of " + context.id() + " is already closed");
        }
        upstreamClosed = true;
        context.onUpstreamConnectionClose(peer);
        harness.drain();
    }

    /** Whether the context has ended (the downstream connection closed). */
    public boolean closed() {
        return context.finished();
    }

    /** Closes the downstream connection from the proxy's side (LOCAL) if it is still open. */
    @Override
    public void close() {
        if (!context.finished()) {
            closeDownstream(PeerType.LOCAL);
        }
    }

    // ---- what the filter did ---------------------------------------------------------------------------------

    /** What proxy_on_new_connection returned. */
    public Action newConnectionAction() {
        return newConnectionAction;
    }

    /** PAUSE while the filter holds downstream data, else CONTINUE. */
    public Action downstreamAction() {
        return downstream.action();
    }

    public Action upstreamAction() {
        return upstream.action();
    }

    /** The downstream data as the filter left it in its latest downstream callback ("" if none ran). */
    public String downstreamData() {
        return text(downstream.lastSeen());
    }

    public byte[] downstreamDataBytes() {
        return bytes(downstream.lastSeen());
    }

    public String upstreamData() {
        return text(upstream.lastSeen());
    }

    public byte[] upstreamDataBytes() {
        return bytes(upstream.lastSeen());
    }

    /** Every downstream byte the filter let through so far (towards the upstream), with its changes. */
    public String forwardedDownstream() {
        return new String(downstream.forwarded(), StandardCharsets.UTF_8);
    }

    public byte[] forwardedDownstreamBytes() {
        return downstream.forwarded();
    }

    /** Every upstream byte the filter let through so far (towards the client), with its changes. */
    public String forwardedUpstream() {
        return new String(upstream.forwarded(), StandardCharsets.UTF_8);
    }

    public byte[] forwardedUpstreamBytes() {
        return upstream.forwarded();
    }

    // ---- internals -------------------------------------------------------------------------------------------

    private void requireOpen() {
        if (context.finished()) {
            throw new IllegalStateException("connection " + context.id() + " is already closed");
        }
    }

    /** Runs one filter callback and keeps its result; work it queued is left for the caller to drain. */
    private Action runCallback(Supplier<Action> callback) {
        Action action;
        inCallback = true;
        try {
            action = callback.get();
        } finally {
            inCallback = false;
        }
        // A continue the filter asked for during its own callback takes effect once the callback has returned.
        for (StreamType type : continuedDuringCallback) {
            continued(type);
        }
        continuedDuringCallback.clear();
        recordAction(action);
        return action;
    }

    /** The filter's steering, recorded; the host calls it from inside callbacks too, hence the deferred continue. */
    private abstract class Steering {
        public void continueStream(StreamType type) {
            recordContinue(type);
            if (inCallback) {
                continuedDuringCallback.add(type);
            } else {
                continued(type);
            }
        }

        public void closeStream(StreamType type) {
            recordClose(type);
        }
    }

    /** Data of a callback that closed the stream goes nowhere: Envoy closes the connection first, as the proxy does. */
    private void dropIfClosing(StreamDirection direction, int forwardedBefore) {
        if (closing) {
            direction.dropForwardedAfter(forwardedBefore);
        }
    }

    /** Only DOWNSTREAM reaches the connection: Envoy cannot resume upstream data. */
    private void continued(StreamType type) {
        downstream.continued();
    }

    /** Envoy acts on the filter's close once its call has returned. */
    private final class Control extends Steering implements NetworkControl {
        @Override
        public void closeStream(StreamType type) {
            super.closeStream(type);
            if (!closing) {
                closing = true;
                // Envoy closes the downstream connection after the VM call, so do it from the VM's queue.
                context.vm().post(() -> {
                    if (!context.finished()) {
                        closeDownstream(PeerType.LOCAL);
                    }
                });
            }
        }
    }
}
