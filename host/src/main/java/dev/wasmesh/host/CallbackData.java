package dev.wasmesh.host;

import dev.wasmesh.host.abi.BufferType;
import dev.wasmesh.host.abi.MapType;
import dev.wasmesh.host.stream.Body;
import dev.wasmesh.host.stream.HeaderMap;

/**
 * What the callback in progress may read besides its context's own maps and buffers: a call-out's response, gRPC
 * metadata and messages, a foreign function's arguments. As in Envoy, these are readable from any context (the
 * guest may switch with proxy_set_effective_context) but only while their callback runs. One per VM, on its thread.
 */
final class CallbackData {
    private HeaderMap calloutHeaders;
    private HeaderMap calloutTrailers;
    private Body calloutBody;
    private HeaderMap grpcInitialMetadata;
    private HeaderMap grpcTrailingMetadata;
    private Body grpcMessage;
    private Body foreignArguments;

    /** The call-out or gRPC map of this type while its callback runs, else null. */
    HeaderMap map(MapType type) {
        switch (type) {
            case HTTP_CALL_RESPONSE_HEADERS:
                return calloutHeaders;
            case HTTP_CALL_RESPONSE_TRAILERS:
                return calloutTrailers;
            case GRPC_CALL_INITIAL_METADATA:
                return grpcInitialMetadata;
            case GRPC_CALL_TRAILING_METADATA:
                return grpcTrailingMetadata;
            default:
                return null;
        }
    }

    /** The call-out body, gRPC message or foreign-function arguments while their callback runs, else null. */
    Body buffer(BufferType type) {
        switch (type) {
            case HTTP_CALL_RESPONSE_BODY:
                return calloutBody;
            case GRPC_CALL_MESSAGE:
                return grpcMessage;
            case FOREIGN_FUNCTION_ARGUMENTS:
                return foreignArguments;
            default:
                return null;
        }
    }

    /** Runs {@code callback} with a call-out's response readable; any part may be null (not there). */
    void withCalloutResponse(HeaderMap headers, Body body, HeaderMap trailers, Runnable callback) {
        calloutHeaders = headers;
        calloutBody = body;
        calloutTrailers = trailers;
        try {
            callback.run();
        } finally {
            calloutHeaders = null;
            calloutBody = null;
            calloutTrailers = null;
        }
    }

    void withGrpcMetadata(HeaderMap initial, HeaderMap trailing, Runnable callback) {
        grpcInitialMetadata = initial;
        grpcTrailingMetadata = trailing;
        try {
            callback.run();
        } finally {
            grpcInitialMetadata = null;
            grpcTrailingMetadata = null;
        }
    }

    void withGrpcMessage(Body message, Runnable callback) {
        grpcMessage = message;
        try {
            callback.run();
        } finally {
            grpcMessage = null;
        }
    }

    void withForeignArguments(Body args, Runnable callback) {
        foreignArguments = args;
        try {
            callback.run();
        } finally {
            foreignArguments = null;
        }
    }
}
