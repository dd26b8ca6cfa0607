package dev.wasmesh.host.stream;

import java.util.Objects;

/** A response a filter generated with proxy_send_local_response instead of forwarding the request. */
public final class LocalResponse {
    private final int statusCode;
    private final String details;
    private final byte[] body;
    private final HeaderMap headers;
    private final int grpcStatus;

    public LocalResponse(int statusCode, String details, byte[] body, HeaderMap headers, int grpcStatus) {
        this.statusCode = statusCode;
        this.details = Objects.requireNonNull(details);
        this.body = body.clone();
        this.headers = headers.copy();
        this.grpcStatus = grpcStatus;
    }

    public int statusCode() {
        return statusCode;
    }

    /** Envoy's response code details, e.g. what access logs print as %RESPONSE_CODE_DETAILS%. */
    public String details() {
        return details;
    }

    public byte[] body() {
        return body.clone();
    }

    public String bodyText() {
        return new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Additional response headers the filter asked for. */
    public HeaderMap headers() {
        return headers.copy();
    }

    /** The gRPC status to send, or -1 for a plain HTTP response (the ABI passes 0xFFFFFFFF). */
    public int grpcStatus() {
        return grpcStatus;
    }

    @Override
    public String toString() {
        return "LocalResponse{" + statusCode + " " + details + ", headers=" + headers + ", body=" + bodyText() + "}";
    }
}
