package dev.wasmesh.stream;

import dev.wasmesh.host.stream.Action;
import dev.wasmesh.host.stream.Body;

/** Sees every filter callback the manager makes and what it returned; the test harness records them. */
public interface CallbackObserver {
    /** A headers or trailers callback of the filter at {@code filter} (chain order) returned {@code result}. */
    void headers(int filter, boolean response, Action result);

    /** A body callback: the body as the filter left it, the size it was given, and its result. */
    void body(int filter, boolean response, Body body, int bodySize, boolean endOfStream, Action result);

    CallbackObserver NONE = new CallbackObserver() {
        @Override
        public void headers(int filter, boolean response, Action result) {}

        @Override
        public void body(int filter, boolean response, Body body, int bodySize, boolean endOfStream, Action result) {}
    };
}
