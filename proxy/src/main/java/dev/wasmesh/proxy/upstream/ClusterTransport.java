package dev.wasmesh.proxy.upstream;

import dev.wasmesh.host.CallTransport;
import dev.wasmesh.host.GrpcCallout;
import dev.wasmesh.host.GuestLimits;
import dev.wasmesh.host.HttpCallout;
import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.proxy.config.ClusterConfig;
import dev.wasmesh.proxy.http1.Framer;
import dev.wasmesh.proxy.http1.Headers;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Carries filters' HTTP call-outs (over the worker's pooled HTTP/1.1 connections) and gRPC calls (over h2c) to
 * the named clusters. Calls start on the calling VM's worker; answers are posted back to that VM by the host.
 */
public final class ClusterTransport implements CallTransport {
    private final Map<String, ClusterConfig> clusters;
    private final Supplier<UpstreamPool> currentPool;

    /**
     * @param clusters the clusters by name
     * @param currentPool the upstream connections of the worker whose loop is running now (a call starts on the
     *     calling VM's worker)
     */
    public ClusterTransport(Map<String, ClusterConfig> clusters, Supplier<UpstreamPool> currentPool) {
        this.clusters = clusters;
        this.currentPool = currentPool;
    }

    @Override
    public boolean hasCluster(String cluster) {
        return clusters.containsKey(cluster);
    }

    @Override
    public void httpCall(HttpCallout call) {
        ClusterConfig cluster = clusters.get(call.cluster());
        UpstreamPool pool = currentPool.get();
        HttpCall listener = new HttpCall(call);
        UpstreamExchange exchange = pool.open(cluster, listener);
        if (!call.timeout().isZero()) {
            listener.timer = pool.loop()
                    .schedule(
                            () -> {
                                exchange.cancel();
                                call.fail();
                            },
                            call.timeout().toMillis(),
                            TimeUnit.MILLISECONDS);
        }
        Framer framer = exchange.requestFramer(call.headers());
        byte[] body = call.body();
        HeaderMap trailers = call.trailers();
        framer.headers(call.headers(), body.length == 0 && trailers.isEmpty());
        if (body.length > 0) {
            framer.data(body, trailers.isEmpty());
        }
        if (!trailers.isEmpty()) {
            framer.trailers(trailers);
        }
    }

    @Override
    public void grpcCall(GrpcCallout call) {
        GrpcConnection.start(
                call, clusters.get(call.cluster()), currentPool.get().loop());
    }

    /** Collects a call-out's response and hands it to the filter whole, as Envoy's async client does. */
    private static final class HttpCall implements UpstreamExchange.Listener {
        private final HttpCallout call;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private HeaderMap headers;
        private ScheduledFuture<?> timer;
        private boolean tooLarge;

        HttpCall(HttpCallout call) {
            this.call = call;
        }

        private void done() {
            if (timer != null) {
                timer.cancel(false);
            }
        }

        @Override
        public void connectFailed(Throwable cause) {
            done();
            call.fail();
        }

        @Override
        public void response(HttpResponse response) {
            headers = Headers.ofResponse(response);
        }

        @Override
        public void content(HttpContent content, boolean last) {
            if (tooLarge) {
                return; // the rest of an answer that was already failed is read and dropped
            }
            if ((long) body.size() + content.content().readableBytes() > GuestLimits.HOST_CALL_MAX_BYTES) {
                // An upstream must not push any amount into memory for one call-out: the call fails as a reset.
                tooLarge = true;
                done();
                call.fail();
                return;
            }
            byte[] b = ByteBufUtil.getBytes(content.content());
            body.write(b, 0, b.length);
            if (last) {
                done();
                call.respond(
                        headers, body.toByteArray(), Headers.ofTrailers(((LastHttpContent) content).trailingHeaders()));
            }
        }

        @Override
        public void disconnected(boolean malformed) {
            done();
            if (!tooLarge) {
                call.fail();
            }
        }

        @Override
        public void writable(boolean writable) {
            // the call-out's request is written whole at once: there is no reader to pause
        }
    }
}
