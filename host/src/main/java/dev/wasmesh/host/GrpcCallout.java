package dev.wasmesh.host;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One gRPC call or stream a filter opened with proxy_grpc_call or proxy_grpc_stream. The transport reports what
 * the server sends through the receive methods; what the filter sends later arrives through {@link Outbound}.
 * Every callback runs on the calling VM's thread.
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

    GrpcCallout(RootContext origin, int token, String cluster, String service, String method, HeaderMap metadata,
                byte[] message, Duration timeout, boolean streaming) {
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

    public boolean closed() {
        return closed;
    }

    /** Messages the filter sent on a stream with proxy_grpc_send, in order. */
    public List<byte[]> sentMessages() {
        return List.copyOf(sent);
    }

    public void outbound(Outbound outbound) {
        this.outbound = outbound;
    }

    void send(byte[] msg, boolean endOfStream) {
        sent.add(msg);
        Outbound o = outbound;
        if (o != null) {
            o.send(msg, endOfStream);
        }
    }

    void cancel() {
        closed = true;
        Outbound o = outbound;
        if (o != null) {
            o.cancel();
        }
    }

    void closeFromFilter() {
        Outbound o = outbound;
        if (o != null) {
            o.close();
        }
    }

    public void receiveInitialMetadata(HeaderMap metadata) {
        HeaderMap m = metadata.copy();
        origin.vm().post(() -> origin.deliverGrpcInitialMetadata(token, m));
    }

    public void receiveMessage(byte[] msg) {
        byte[] m = msg.clone();
        origin.vm().post(() -> origin.deliverGrpcMessage(token, m));
    }

    public void receiveTrailingMetadata(HeaderMap metadata) {
        HeaderMap m = metadata.copy();
        origin.vm().post(() -> origin.deliverGrpcTrailingMetadata(token, m));
    }

    /** Ends the call with a gRPC status (0 OK); proxy_on_grpc_close follows. */
    public void close(int status, String statusMessage) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        origin.vm().post(() -> origin.deliverGrpcClose(token, status, statusMessage));
    }
}
