package dev.wasmesh.testing.scenario;

import dev.wasmesh.host.abi.StreamType;

/** Which half of a stream a step or expectation is about. */
enum Direction {
    REQUEST,
    RESPONSE;

    String label() {
        return this == REQUEST ? "request" : "response";
    }

    StreamType streamType() {
        return this == REQUEST ? StreamType.HTTP_REQUEST : StreamType.HTTP_RESPONSE;
    }
}
