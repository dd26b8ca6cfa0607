package dev.wasmesh.proxy.upstream;

import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.host.stream.Metadata;
import dev.wasmesh.proxy.config.ClusterConfig;
import dev.wasmesh.proxy.config.Endpoint;
import dev.wasmesh.proxy.config.RouteConfig;
import dev.wasmesh.proxy.http1.Framer;
import dev.wasmesh.proxy.http1.Headers;
import dev.wasmesh.proxy.stats.ProxyStats;
import dev.wasmesh.proxy.tls.TlsFailure;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The last stage of the request path (Envoy's router filter): picks the route from the headers as the filters
 * left them (a changed {@code :path} or {@code :authority} counts), forwards the request to the cluster and reports
 * the upstream's response, or Envoy's local answers when there is none (503 connect failure or reset, 504
 * timeout, 404 no route).
 */
public final class Router {
    /** What the router tells its stream. */
    public interface Events {
        /** The route found, and its cluster (null for a direct response). */
        void routed(RouteConfig route, ClusterConfig cluster);

        /** The upstream host the request went to: its address and the metadata of its endpoint. */
        void upstreamHost(String address, int port, Metadata metadata);

        void upstreamResponseHeaders(HeaderMap headers, boolean endOfStream);

        void upstreamResponseData(byte[] data, boolean endOfStream);

        void upstreamResponseTrailers(HeaderMap trailers);

        /** No usable response: answer locally (before response headers) or reset (after). */
        void upstreamFailed(int status, String details, String body, String flag);

        /** Whether the upstream connection takes more of the request now (flow control). */
        void upstreamWritable(boolean writable);
    }

    private final List<RouteConfig> routes;
    private final Map<String, ClusterConfig> clusters;
    private final ProxyStats stats;
    private final UpstreamPool pool;
    private final EventLoop loop;
    private final Events events;
    private UpstreamExchange exchange;
    private Framer framer;
    private RouteConfig route;
    private ScheduledFuture<?> timeout;
    private boolean responseStarted;
    private boolean finished;
    private boolean readPaused;

    /**
     * @param clusters the clusters by name
     * @param pool the upstream connections of the stream's worker
     */
    public Router(
            List<RouteConfig> routes,
            Map<String, ClusterConfig> clusters,
            ProxyStats stats,
            UpstreamPool pool,
            Events events) {
        this.routes = routes;
        this.clusters = clusters;
        this.stats = stats;
        this.pool = pool;
        this.loop = pool.loop();
        this.events = events;
    }

    /** The first route that matches the request, or null. */
    public static RouteConfig match(List<RouteConfig> routes, HeaderMap request) {
        for (RouteConfig r : routes) {
            if (r.matches(request)) {
                return r;
            }
        }
        return null;
    }

    public String upstreamHost() {
        return exchange == null ? "" : exchange.remote();
    }

    public void headers(HeaderMap headers, boolean endOfStream) {
        route = match(routes, headers);
        if (route == null) {
            events.upstreamFailed(404, "route_not_found", "", "NR");
            return;
        }
        if (route.direct() != null) {
            events.routed(route, null);
            events.upstreamFailed(
                    route.direct().status(), "direct_response", route.direct().body(), "");
            return;
        }
        ClusterConfig cluster = clusters.get(route.cluster());
        if (cluster == null) {
            events.upstreamFailed(503, "cluster_not_found", "", "NC");
            return;
        }
        events.routed(route, cluster);
        exchange = pool.open(cluster, new Upstream());
        if (readPaused) {
            exchange.pauseRead(true);
        }
        framer = exchange.requestFramer(headers);
        framer.headers(headers, endOfStream);
        exchange.flush();
        if (endOfStream) {
            requestComplete();
        }
    }

    public void data(byte[] data, boolean endOfStream) {
        if (framer != null) {
            framer.data(data, endOfStream);
            exchange.flush();
            if (endOfStream) {
                requestComplete();
            }
        }
    }

    public void trailers(HeaderMap trailers) {
        if (framer != null) {
            framer.trailers(trailers);
            exchange.flush();
            requestComplete();
        }
    }

    /** Envoy's route timeout runs from the end of the request to the end of the response. */
    private void requestComplete() {
        if (route != null && !route.timeout().isZero() && !finished) {
            timeout = loop.schedule(this::timedOut, route.timeout().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void timedOut() {
        if (finished) {
            return;
        }
        stats.inc("cluster." + route.cluster() + ".upstream_rq_timeout");
        cancel();
        events.upstreamFailed(504, "upstream_response_timeout", "upstream request timeout", "UT");
    }

    /** Reads the upstream's response only while the client takes it (flow control). */
    public void readUpstream(boolean read) {
        readPaused = !read;
        if (exchange != null) {
            exchange.pauseRead(readPaused);
        }
    }

    /** Abandons the upstream request (local reply, reset, downstream gone). */
    public void cancel() {
        finished = true;
        if (timeout != null) {
            timeout.cancel(false);
        }
        if (exchange != null) {
            exchange.cancel();
        }
    }

    private final class Upstream implements UpstreamExchange.Listener {
        @Override
        public void connectFailed(Throwable cause) {
            if (finished) {
                return;
            }
            finished = true;
            // A failed TLS handshake names its reason, as Envoy's transport failure reason.
            String tls = TlsFailure.reason(cause);
            events.upstreamFailed(
                    503,
                    tls == null
                            ? "upstream_reset_before_response_started{connection_failure}"
                            : "upstream_reset_before_response_started{connection_failure|" + tls.replace(' ', '_')
                                    + "}",
                    "upstream connect error or disconnect/reset before headers. reset reason: connection failure"
                            + (tls == null ? "" : ", transport failure reason: " + tls),
                    "UF");
        }

        @Override
        public void response(HttpResponse response) {
            if (finished) {
                return;
            }
            responseStarted = true;
            InetSocketAddress remote = exchange.remoteAddress();
            if (remote != null) {
                Endpoint ep = exchange.endpoint();
                Metadata md = ep == null
                        ? null
                        : exchange.cluster().endpointMetadata().get(ep);
                events.upstreamHost(
                        remote.getAddress().getHostAddress(), remote.getPort(), md == null ? Metadata.EMPTY : md);
            }
            events.upstreamResponseHeaders(Headers.ofResponse(response), false);
        }

        @Override
        public void content(HttpContent content, boolean last) {
            if (finished) {
                return;
            }
            byte[] bytes = ByteBufUtil.getBytes(content.content());
            if (last) {
                finished = true;
                if (timeout != null) {
                    timeout.cancel(false);
                }
                HttpHeaders received = ((LastHttpContent) content).trailingHeaders();
                HeaderMap trailers = received.isEmpty() ? null : Headers.ofTrailers(received);
                if (trailers == null || trailers.isEmpty()) {
                    events.upstreamResponseData(bytes, true);
                } else {
                    events.upstreamResponseData(bytes, false);
                    events.upstreamResponseTrailers(trailers);
                }
            } else if (bytes.length > 0) {
                events.upstreamResponseData(bytes, false);
            }
        }

        @Override
        public void writable(boolean writable) {
            if (!finished) {
                events.upstreamWritable(writable);
            }
        }

        /** Envoy's answers: 503 UC for a connection that ends early, 502 UPE for a response it cannot read. */
        @Override
        public void disconnected(boolean malformed) {
            if (finished) {
                return;
            }
            finished = true;
            if (timeout != null) {
                timeout.cancel(false);
            }
            String reason = malformed ? "protocol_error" : "connection_termination";
            String details = (responseStarted
                            ? "upstream_reset_after_response_started{"
                            : "upstream_reset_before_response_started{")
                    + reason + "}";
            events.upstreamFailed(
                    malformed ? 502 : 503,
                    details,
                    "upstream connect error or disconnect/reset before headers. reset reason: "
                            + reason.replace('_', ' '),
                    malformed ? "UPE" : "UC");
        }
    }
}
