package dev.wasmesh.stream;

import dev.wasmesh.host.stream.HeaderMap;

/**
 * What a {@link FilterManager} asks of the transport around it (the proxy's codec and router, or the test harness):
 * where the request goes once every filter let it through, where the response goes, and how to stop the stream.
 */
public interface FilterManagerCallbacks {
    /** The request as the filters left it, towards the upstream (Envoy's router). */
    void upstreamHeaders(HeaderMap headers, boolean endOfStream);

    void upstreamData(byte[] data, boolean endOfStream);

    void upstreamTrailers(HeaderMap trailers);

    /** The request will not go on (a local reply or a failure took over): drop whatever went upstream. */
    void cancelUpstream();

    /** The response as the filters left it, towards the client. */
    void downstreamHeaders(HeaderMap headers, boolean endOfStream);

    void downstreamData(byte[] data, boolean endOfStream);

    void downstreamTrailers(HeaderMap trailers);

    /** Whether any of the response has reached the client already: then it can only be reset, not replaced. */
    boolean downstreamStarted();

    /** A whole response that bypasses the filters, in place of anything not yet sent to the client. */
    void downstreamReply(HeaderMap headers, byte[] body);

    /** Resets the stream; the transport ends it ({@link FilterManager#finish()}) when it has. */
    void reset(String details);

    /** Why the response is what it is, as Envoy's response code details (access log {@code %RESPONSE_CODE_DETAILS%}). */
    void details(String details);

    /**
     * Data waiting in front of a filter paused on headers passed the buffer limit ({@code true}) or went on: the
     * sender of that direction (the client for the request, the upstream for the response) is not read meanwhile.
     */
    void requestBlocked(boolean blocked);

    void responseBlocked(boolean blocked);
}
