package dev.wasmesh.testing;

import dev.wasmesh.host.GrpcCallout;
import dev.wasmesh.host.HeaderMap;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A gRPC call (proxy_grpc_call) or stream (proxy_grpc_stream) a filter opened. The test plays the server: each
 * answer method runs the matching filter callback at once. It also records what the filter did to the call
 * afterwards (messages sent, cancel, half-close).
 */
public final class PendingGrpcCall {
    /** gRPC status DEADLINE_EXCEEDED, used when the harness's clock passes a call's timeout. */
    static final int DEADLINE_EXCEEDED = 4;

    private final GrpcCallout call;
    private final Runnable afterAnswer;
    private final long deadlineNanos;
    private volatile boolean cancelled;
    private volatile boolean halfClosed;

    PendingGrpcCall(GrpcCallout call, Runnable afterAnswer, long madeAtNanos) {
        this.call = call;
        this.afterAnswer = afterAnswer;
        this.deadlineNanos = call.timeout().isZero() ? Long.MAX_VALUE : madeAtNanos + call.timeout().toNanos();
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

    /** Messages the filter sent on a stream with proxy_grpc_send, in order. */
    public List<byte[]> sentMessages() {
        return call.sentMessages();
    }

    public List<String> sentTexts() {
        return call.sentMessages().stream().map(b -> new String(b, StandardCharsets.UTF_8))
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

    /** Whether the call is over: closed by the server (the test) or cancelled by the filter. */
    public boolean closed() {
        return call.closed();
    }

    long deadlineNanos() {
        return deadlineNanos;
    }

    public PendingGrpcCall sendInitialMetadata(HeaderMap metadata) {
        requireOpen();
        call.receiveInitialMetadata(metadata);
        afterAnswer.run();
        return this;
    }

    public PendingGrpcCall sendMessage(byte[] message) {
        requireOpen();
        call.receiveMessage(message);
        afterAnswer.run();
        return this;
    }

    public PendingGrpcCall sendMessage(String message) {
        return sendMessage(message.getBytes(StandardCharsets.UTF_8));
    }

    public PendingGrpcCall sendTrailingMetadata(HeaderMap metadata) {
        requireOpen();
        call.receiveTrailingMetadata(metadata);
        afterAnswer.run();
        return this;
    }

    /** Ends the call with a gRPC status (0 is OK): proxy_on_grpc_close runs. */
    public void close(int status, String statusMessage) {
        requireOpen();
        call.close(status, statusMessage);
        afterAnswer.run();
    }

    /** A successful unary answer: one message, then close with OK. */
    public void respond(String message) {
        sendMessage(message);
        close(0, "");
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
