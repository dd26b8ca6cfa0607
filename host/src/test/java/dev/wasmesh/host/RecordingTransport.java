package dev.wasmesh.host;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link CallTransport} with a fixed set of clusters that keeps every call for the test to answer. */
final class RecordingTransport implements CallTransport {
    private final Set<String> clusters;
    final List<HttpCallout> httpCalls = new CopyOnWriteArrayList<>();
    final List<GrpcCallout> grpcCalls = new CopyOnWriteArrayList<>();
    final List<String> outbound = new CopyOnWriteArrayList<>();

    RecordingTransport(String... clusters) {
        this.clusters = Set.of(clusters);
    }

    @Override
    public boolean hasCluster(String cluster) {
        return clusters.contains(cluster);
    }

    @Override
    public void httpCall(HttpCallout call) {
        httpCalls.add(call);
    }

    @Override
    public void grpcCall(GrpcCallout call) {
        grpcCalls.add(call);
        call.outbound(new GrpcCallout.Outbound() {
            @Override
            public void send(byte[] message, boolean endOfStream) {
                outbound.add("send " + new String(message, java.nio.charset.StandardCharsets.UTF_8)
                        + (endOfStream ? " end" : ""));
            }

            @Override
            public void cancel() {
                outbound.add("cancel " + call.token());
            }

            @Override
            public void close() {
                outbound.add("close " + call.token());
            }
        });
    }

    HttpCallout lastHttp() {
        return httpCalls.get(httpCalls.size() - 1);
    }

    GrpcCallout lastGrpc() {
        return grpcCalls.get(grpcCalls.size() - 1);
    }
}
