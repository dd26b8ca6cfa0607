package dev.wasmesh.testing;

import dev.wasmesh.host.CallTransport;
import dev.wasmesh.host.GrpcCallout;
import dev.wasmesh.host.HostClock;
import dev.wasmesh.host.HttpCallout;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The harness's upstream: keeps every call-out a filter makes until the test answers it. By default every cluster
 * name is known; with a cluster list, other names fail with BAD_ARGUMENT as in Envoy.
 */
final class CalloutRecorder implements CallTransport {
    private final Set<String> clusters;
    private final HostClock clock;
    private final Runnable afterAnswer;
    private final List<PendingHttpCall> http = new ArrayList<>();
    private final List<PendingGrpcCall> grpc = new ArrayList<>();

    /** @param clusters the known cluster names, or null to accept any */
    CalloutRecorder(Set<String> clusters, HostClock clock, Runnable afterAnswer) {
        this.clusters = clusters == null ? null : Set.copyOf(clusters);
        this.clock = clock;
        this.afterAnswer = afterAnswer;
    }

    @Override
    public boolean hasCluster(String cluster) {
        return clusters == null || clusters.contains(cluster);
    }

    @Override
    public synchronized void httpCall(HttpCallout call) {
        http.add(new PendingHttpCall(call, afterAnswer, clock.monotonicNanos()));
    }

    @Override
    public synchronized void grpcCall(GrpcCallout call) {
        grpc.add(new PendingGrpcCall(call, afterAnswer, clock.monotonicNanos()));
    }

    synchronized List<PendingHttpCall> httpCalls() {
        return List.copyOf(http);
    }

    synchronized List<PendingHttpCall> pendingHttpCalls() {
        return http.stream().filter(c -> !c.answered()).collect(Collectors.toList());
    }

    synchronized List<PendingGrpcCall> grpcCalls() {
        return List.copyOf(grpc);
    }

    synchronized List<PendingGrpcCall> pendingGrpcCalls() {
        return grpc.stream().filter(c -> !c.closed()).collect(Collectors.toList());
    }
}
