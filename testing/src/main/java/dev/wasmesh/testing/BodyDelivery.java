package dev.wasmesh.testing;

import dev.wasmesh.host.stream.Action;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What happened when a body was delivered in chunks through {@link HttpStream#deliverRequestBody} or
 * {@link HttpStream#deliverResponseBody}: one entry per body callback, and what passed the filter.
 */
public final class BodyDelivery {
    /** One body callback: the body_size the filter was given, end_of_stream, and what it returned. */
    public record Call(int bodySize, boolean endOfStream, Action action) {}

    private final List<Call> calls;
    private final byte[] forwarded;
    private final boolean stillBuffered;

    BodyDelivery(List<Call> calls, byte[] forwarded, boolean stillBuffered) {
        this.calls = List.copyOf(calls);
        this.forwarded = forwarded.clone();
        this.stillBuffered = stillBuffered;
    }

    public List<Call> calls() {
        return calls;
    }

    public List<Integer> bodySizes() {
        return calls.stream().map(Call::bodySize).toList();
    }

    /** What the last callback returned. */
    public Action finalAction() {
        return calls.get(calls.size() - 1).action();
    }

    /** The bytes the filter let through during this delivery, with its changes. */
    public byte[] forwarded() {
        return forwarded.clone();
    }

    public String forwardedText() {
        return new String(forwarded, StandardCharsets.UTF_8);
    }

    /** Whether the filter still holds part of the body (it paused on the last chunk). */
    public boolean stillBuffered() {
        return stillBuffered;
    }

    @Override
    public String toString() {
        return "BodyDelivery" + calls + " forwarded=" + forwardedText();
    }
}
