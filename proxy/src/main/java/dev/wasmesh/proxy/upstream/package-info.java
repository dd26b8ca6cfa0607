/**
 * Where requests go once the filters let them: Envoy's router filter ({@link dev.wasmesh.proxy.upstream.Router}:
 * route match, cluster, route timeout, the 503/504/404 local answers), each worker's pool of keep-alive HTTP/1.1
 * connections to the clusters ({@link dev.wasmesh.proxy.upstream.UpstreamPool},
 * {@link dev.wasmesh.proxy.upstream.UpstreamExchange}), the filters' HTTP and gRPC call-outs
 * ({@link dev.wasmesh.proxy.upstream.ClusterTransport}, {@link dev.wasmesh.proxy.upstream.GrpcConnection}), and the
 * built-in echo upstream.
 */
package dev.wasmesh.proxy.upstream;
