package dev.wasmesh.testing;

import dev.wasmesh.host.GrpcCallout;
import dev.wasmesh.host.stream.HeaderMap;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A gRPC call (proxy_grpc_call) or stream (proxy_grpc_stream) a filter opened. The test plays the server, in the
 * terms Envoy's gRPC client reports to the filter: a unary call ends once, with {@link #respond} or {@link #fail},
 * and the filter sees no metadata for it; a stream gets {@link #sendInitialMetadata}, {@link #sendMessage},
 * {@link #sendTrailingMetadata} and {@link #close}. Each answer runs the matching filter callback at once. It also
 * records what the filter did to the call afterwards (messages sent, cancel, half-close).
 */
public final class PendingGrpcCall {
    /** Envoy's answer when a unary call's timeout passes: its router's timeout, as gRPC UNAVAILABLE. */
    private static final int TIMEOUT_STATUS = 14;

    private static final String TIMEOUT_MESSAGE = "upstream request timeout";

    private final GrpcCallout call;
    private final Runnable afterAnswer;
    private final long deadlineNanos;
    private volatile boolean cancelled;
    private volatile boolean halfClosed;

    PendingGrpcCall(GrpcCallout call, Runnable afterAnswer, long madeAtNanos) {
        this.call = call;
        this.afterAnswer = afterAnswer;
        this.deadlineNanos = call.timeout().isZero()
                ? Long.MAX_VALUE
                : madeAtNanos + call.timeout().toNanos();
        call.outbound(new GrpcCallout.Outbound() {
            @Override
            public void send(byte[] message, boolean endOfStream) {
                if (endOfStream) {
                    halfClosed = true;
                }
            }

            @Override
            public void cancel() {
                cancelled = true;
            }

            @Override
            public void close() {
                halfClosed = true;
            }
        });
    }

    public int token() {
        return call.token();
    }

    public String cluster() {
        return call.cluster();
    }

    public String service() {
        return call.service();
    }

    public String method() {
        return call.method();
    }

    public HeaderMap initialMetadata() {
        return call.initialMetadata();
    }

    /** The request message of a unary call (empty for a stream). */
    public byte[] message() {
        return call.message();
    }

    public String messageText() {
        return new String(call.message(), StandardCharsets.UTF_8);
    }

    public Duration timeout() {
        return call.timeout();
    }

    public boolean streaming() {
        return call.streaming();
    }

    /** Messages the filter sent on a stream with proxy_grpc_send before either side closed it, in order. */
    public List<byte[]> sentMessages() {
        return call.sentMessages();
    }

    public List<String> sentTexts() {
        return call.sentMessages().stream()
                .map(b -> new String(b, StandardCharsets.UTF_8))
                .collect(Collectors.toList());
    }

    /** Whether the filter called proxy_grpc_cancel. */
    public boolean cancelled() {
        return cancelled;
    }

    /** Whether the filter half-closed its side (proxy_grpc_close, or a send with end_stream). */
    public boolean halfClosedByFilter() {
        return halfClosed;
    }

    /** Whether the call is over: answered, failed or closed by the server (the test), or cancelled by the filter. */
    public boolean closed() {
        return call.closed();
    }

    long deadlineNanos() {
        return deadlineNanos;
    }

    // ---- a unary call --------------------------------------------------------------------------------------

    /** The call succeeds: proxy_on_grpc_receive runs once with this response message, and the call is over. */
    public void respond(byte[] message) {
        requireUnary("respond");
        requireOpen();
        call.respond(message);
        afterAnswer.run();
    }

    public void respond(String message) {
        respond(message.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The call fails: proxy_on_grpc_close runs once with this status (proxy_get_status has the message), and the
     * call is over. A server's OK without a response message reaches the filter as {@code fail(13, "")}.
     *
     * @param status a gRPC status other than OK (0)
     */
    public void fail(int status, String statusMessage) {
        requireUnary("fail");
        requireOpen();
        call.fail(status, statusMessage);
        afterAnswer.run();
    }

    /** The call's timeout passed. */
    void expire() {
        fail(TIMEOUT_STATUS, TIMEOUT_MESSAGE);
    }

    // ---- a stream ----------------------------------------------------------------------------------------------

    public PendingGrpcCall sendInitialMetadata(HeaderMap metadata) {
        requireStream("sendInitialMetadata");
        requireOpen();
        call.receiveInitialMetadata(metadata);
        afterAnswer.run();
        return this;
    }

    public PendingGrpcCall sendMessage(byte[] message) {
        requireStream("sendMessage");
        requireOpen();
        call.receiveMessage(message);
        afterAnswer.run();
        return this;
    }

    public PendingGrpcCall sendMessage(String message) {
        return sendMessage(message.getBytes(StandardCharsets.UTF_8));
    }

    public PendingGrpcCall sendTrailingMetadata(HeaderMap metadata) {
        requireStream("sendTrailingMetadata");
        requireOpen();
        call.receiveTrailingMetadata(metadata);
        afterAnswer.run();
        return this;
    }

    /**
     * The server ends the stream with a gRPC status (0 is OK): proxy_on_grpc_close runs. As in Envoy, the filter
     * keeps the stream until it closes or cancels it; its sends on it go nowhere.
     */
    public void close(int status, String statusMessage) {
        requireStream("close");
        requireOpen();
        call.close(status, statusMessage);
        afterAnswer.run();
    }

    private void requireUnary(String what) {
        if (call.streaming()) {
            throw new IllegalStateException(what + " answers a unary call; " + this + " is a stream: use "
                    + "sendInitialMetadata, sendMessage, sendTrailingMetadata and close");
        }
    }

    private void requireStream(String what) {
        if (!call.streaming()) {
            throw new IllegalStateException(what + " is for a stream; " + this + " is a unary call, which Envoy ends "
                    + "with its response or its failure alone: use respond(message) or fail(status, message)");
        }
    }

    private void requireOpen() {
        if (call.closed()) {
            throw new IllegalStateException("gRPC call " + call.token() + " (" + call.service() + "/" + call.method()
                    + ") is already closed" + (cancelled ? " (the filter cancelled it)" : ""));
        }
    }

    @Override
    public String toString() {
        return "grpc " + (streaming() ? "stream " : "call ") + call.token() + " to " + cluster() + ": " + service()
                + "/" + method();
    }
}
