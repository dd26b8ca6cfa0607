package dev.wasmesh.host;

import dev.wasmesh.host.stream.HeaderMap;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One gRPC call or stream a filter opened with proxy_grpc_call or proxy_grpc_stream. The transport reports the
 * outcome the way Envoy's gRPC client reports it to its wasm host: a unary call ends once, with {@link #respond}
 * (proxy_on_grpc_receive) or {@link #fail} (proxy_on_grpc_close), and gets no metadata callbacks; a stream gets its
 * initial metadata, messages, trailing metadata and {@link #close}. What the filter sends later arrives through
 * {@link Outbound}. Every callback runs on the calling VM's thread.
 */
public final class GrpcCallout {
    /** What the filter does to an open call after starting it. */
    public interface Outbound {
        void send(byte[] message, boolean endOfStream);

        /** proxy_grpc_cancel: abandon without telling the server politely. */
        void cancel();

        /** proxy_grpc_close: half-close from the filter's side. */
        void close();
    }

    private final RootContext origin;
    private final int token;
    private final String cluster;
    private final String service;
    private final String method;
    private final HeaderMap initialMetadata;
    private final byte[] message;
    private final Duration timeout;
    private final boolean streaming;
    private final List<byte[]> sent = new CopyOnWriteArrayList<>();
    private volatile Outbound outbound;
    private volatile boolean closed;
    // On the VM's thread: the filter's side of a stream, and whether proxy_on_grpc_close has been delivered.
    private boolean halfClosed;
    private boolean closedByFilter;
    private boolean remoteClosed;

    GrpcCallout(
            RootContext origin,
            int token,
            String cluster,
            String service,
            String method,
            HeaderMap metadata,
            byte[] message,
            Duration timeout,
            boolean streaming) {
        this.origin = origin;
        this.token = token;
        this.cluster = cluster;
        this.service = service;
        this.method = method;
        this.initialMetadata = metadata;
        this.message = message;
        this.timeout = timeout;
        this.streaming = streaming;
    }

    public int token() {
        return token;
    }

    public String cluster() {
        return cluster;
    }

    public String service() {
        return service;
    }

    public String method() {
        return method;
    }

    public HeaderMap initialMetadata() {
        return initialMetadata.copy();
    }

    /** The request message of a unary call; empty for a stream. */
    public byte[] message() {
        return message.clone();
    }

    public Duration timeout() {
        return timeout;
    }

    public RootContext origin() {
        return origin;
    }

    public boolean streaming() {
        return streaming;
    }

    /** Whether the call is over for the transport: answered, failed or closed by the server, or cancelled. */
    public boolean closed() {
        return closed;
    }

    /** Messages the filter sent on the stream with proxy_grpc_send before either side closed it, in order. */
    public List<byte[]> sentMessages() {
        return List.copyOf(sent);
    }

    public void outbound(Outbound outbound) {
        this.outbound = outbound;
    }

    /** proxy_grpc_send on a stream. As in Envoy's HTTP async client, a send after either side closed goes nowhere. */
    void send(byte[] msg, boolean endOfStream) {
        if (closed || halfClosed) {
            return;
        }
        sent.add(msg);
        halfClosed = endOfStream;
        Outbound o = outbound;
        if (o != null) {
            o.send(msg, endOfStream);
        }
    }

    void cancel() {
        end();
        Outbound o = outbound;
        if (o != null) {
            o.cancel();
        }
    }

    /** proxy_grpc_close on a stream: half-closes it (once), and lets the host forget it once the server closed. */
    void closeFromFilter() {
        closedByFilter = true;
        if (closed || halfClosed) {
            return;
        }
        halfClosed = true;
        Outbound o = outbound;
        if (o != null) {
            o.close();
        }
    }

    boolean closedByFilter() {
        return closedByFilter;
    }

    boolean remoteClosed() {
        return remoteClosed;
    }

    void markRemoteClosed() {
        remoteClosed = true;
    }

    // ---- what the transport reports ----------------------------------------------------------------------------

    /** A unary call's response, as Envoy's onSuccess: proxy_on_grpc_receive runs once with it, and the call is over. */
    public void respond(byte[] response) {
        requireKind(false, "respond");
        if (end()) {
            byte[] m = response.clone();
            origin.vm().post(() -> origin.deliverGrpcMessage(token, m));
        }
    }

    /**
     * A unary call's failure, as Envoy's onFailure: proxy_on_grpc_close runs once with the status, and the call is
     * over. Envoy's gRPC client reports an OK status without a response message as INTERNAL (13) with no message.
     *
     * @param status a gRPC status other than OK (0)
     */
    public void fail(int status, String statusMessage) {
        requireKind(false, "fail");
        if (status == 0) {
            throw new IllegalArgumentException("status 0 (OK) is a success: a unary call succeeds with respond");
        }
        if (end()) {
            origin.vm().post(() -> origin.deliverGrpcClose(token, status, statusMessage));
        }
    }

    public void receiveInitialMetadata(HeaderMap metadata) {
        requireKind(true, "receiveInitialMetadata");
        if (!closed) {
            HeaderMap m = metadata.copy();
            origin.vm().post(() -> origin.deliverGrpcInitialMetadata(token, m));
        }
    }

    public void receiveMessage(byte[] msg) {
        requireKind(true, "receiveMessage");
        if (!closed) {
            byte[] m = msg.clone();
            origin.vm().post(() -> origin.deliverGrpcMessage(token, m));
        }
    }

    public void receiveTrailingMetadata(HeaderMap metadata) {
        requireKind(true, "receiveTrailingMetadata");
        if (!closed) {
            HeaderMap m = metadata.copy();
            origin.vm().post(() -> origin.deliverGrpcTrailingMetadata(token, m));
        }
    }

    /**
     * The server closed the stream with a gRPC status (0 OK): proxy_on_grpc_close follows. As in Envoy, the stream
     * stays known to the filter (sends on it are OK and go nowhere) until the filter closes or cancels it.
     */
    public void close(int status, String statusMessage) {
        requireKind(true, "close");
        if (end()) {
            origin.vm().post(() -> origin.deliverGrpcClose(token, status, statusMessage));
        }
    }

    /** Marks the call over; false if it already was (answered before, or cancelled by the filter). */
    private synchronized boolean end() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }

    private void requireKind(boolean stream, String what) {
        if (streaming == stream) {
            return;
        }
        throw new IllegalStateException(
                streaming
                        ? what + " answers a unary call; gRPC stream " + token + " gets metadata, messages and close"
                        : what + " is for a stream; gRPC call " + token + " is unary and gets respond or fail: Envoy "
                                + "delivers no metadata for a unary call, only its response or its failure");
    }
}
