package dev.wasmesh.host;

/**
 * Carries HTTP call-outs and gRPC calls made by filters to their upstream clusters. The proxy implements it with
 * real connections; the test harness keeps the calls pending until a test answers them. Answers go back through
 * the call objects, which take care of running the callback on the VM's own thread.
 */
public interface CallTransport {
    /**
     * Whether {@code cluster} names a known upstream. For an unknown one proxy_http_call answers BAD_ARGUMENT and a
     * gRPC call PARSE_FAILURE, as Envoy does.
     */
    boolean hasCluster(String cluster);

    void httpCall(HttpCallout call);

    /** Starts a unary gRPC call (the request message is in the call) or a stream. */
    void grpcCall(GrpcCallout call);

    /** A transport with no clusters at all. */
    CallTransport NONE = new CallTransport() {
        @Override
        public boolean hasCluster(String cluster) {
            return false;
        }

        @Override
        public void httpCall(HttpCallout call) {
            call.fail();
        }

        @Override
        public void grpcCall(GrpcCallout call) {
            if (call.streaming()) {
                call.close(14, "no transport");
            } else {
                call.fail(14, "no transport");
            }
        }
    };
}
