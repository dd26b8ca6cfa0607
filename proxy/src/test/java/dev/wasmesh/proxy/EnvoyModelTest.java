package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.proxy.config.ProxyConfig;
import dev.wasmesh.proxy.envoy.EnvoyConfigLoader;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Envoy's configuration model under {@code run --config}, read by a filter over real HTTP: the attribute-probe
 * fixture answers each request with what proxy_get_property or proxy_call_foreign_function returned (status 200 + the
 * ABI status, the bytes as body). The configuration uses the legacy network filter name, a TypedStruct around the
 * wasm filter's config, the router by its legacy name without typed_config, metadata on the listener, virtual host,
 * routes and cluster, the node, stats tags, a direct response and fields that are accepted with a notice.
 */
class EnvoyModelTest {
    @TempDir
    static Path dir;

    static TestUpstream backend;
    static TestProxy proxy;
    static ProxyConfig config;

    static String yaml(Path filter, int backendPort) {
        return """
                node:
                  id: sidecar~10.0.0.1~pod-a.ns~ns.svc.cluster.local
                  cluster: ingress
                  metadata: {NAME: pod-a, LABELS: {app: web}, PORT: 8080}
                  locality: {region: eu, zone: eu-1}
                admin:
                  access_log_path: /dev/null
                  address: {socket_address: {address: 127.0.0.1, port_value: 9901}}
                stats_config:
                  stats_tags:
                  - tag_name: value
                    regex: '(_value=([a-zA-Z]+))'
                  - tag_name: reporter
                    regex: '(_reporter=([a-zA-Z]+))'
                stats_sinks:
                - name: envoy.stat_sinks.statsd
                layered_runtime:
                  layers:
                  - name: static
                    static_layer: {}
                static_resources:
                  listeners:
                  - name: main
                    traffic_direction: INBOUND
                    metadata: {filter_metadata: {lns: {k: lv}}}
                    address: {socket_address: {address: 127.0.0.1, port_value: 10000}}
                    filter_chains:
                    - name: chain-0
                      filters:
                      - name: envoy.http_connection_manager
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                          stat_prefix: ingress_http
                          codec_type: auto
                          route_config:
                            name: local_route
                            virtual_hosts:
                            - name: vh
                              domains: ["*"]
                              metadata: {filter_metadata: {vns: {tier: edge}}}
                              routes:
                              - name: direct-route
                                match: {prefix: /direct}
                                direct_response: {status: 200, body: {inline_string: "direct body\\n"}}
                              - name: plain
                                match: {prefix: /plain}
                                metadata: {filter_metadata: {ns: {k: v}}}
                                route: {cluster: backend}
                              - name: r1
                                match: {prefix: /}
                                metadata:
                                  filter_metadata:
                                    rns: {owner: team-a, weight: 3, flag: true, nothing: null, list: [a, 1]}
                                route: {cluster: backend}
                          http_filters:
                          - name: probe
                            typed_config:
                              "@type": type.googleapis.com/udpa.type.v1.TypedStruct
                              type_url: type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm
                              value:
                                config:
                                  vm_config:
                                    runtime: envoy.wasm.runtime.v8
                                    code: {local: {filename: "%s"}}
                          - name: envoy.router
                  clusters:
                  - name: backend
                    type: static
                    metadata: {filter_metadata: {cns: {tier: gold}}}
                    load_assignment:
                      cluster_name: backend
                      endpoints:
                      - lb_endpoints:
                        - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
                          metadata: {filter_metadata: {ens: {zone: z1}}}
                """.formatted(filter, backendPort);
    }

    @BeforeAll
    static void start() throws Exception {
        backend = new TestUpstream("backend");
        Path filter = Fixtures.compile(dir, "attribute-probe");
        int port = URI.create(backend.url()).getPort();
        config = EnvoyConfigLoader.parse(yaml(filter, port), dir, LogLevel.INFO).workers(1);
        proxy = TestProxy.start(config);
    }

    @AfterAll
    static void stop() {
        proxy.close();
        backend.close();
    }

    static HttpResponse<byte[]> property(String path, String dottedName) throws Exception {
        return proxy.client.send(
                HttpRequest.newBuilder(proxy.uri(path))
                        .timeout(Duration.ofSeconds(30))
                        .header("x-property", dottedName)
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static String text(String dottedName) throws Exception {
        HttpResponse<byte[]> r = property("/", dottedName);
        assertThat(r.statusCode()).as(dottedName).isEqualTo(200);
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    static int status(String dottedName) throws Exception {
        return property("/", dottedName).statusCode() - 200;
    }

    static HttpResponse<byte[]> foreign(String name, byte[] argument) throws Exception {
        return proxy.client.send(
                HttpRequest.newBuilder(proxy.uri("/"))
                        .timeout(Duration.ofSeconds(30))
                        .header("x-foreign", name)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(argument))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The proxy-wasm pairs format, read back into a map. */
    static Map<String, byte[]> pairs(byte[] b) {
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int n = buf.getInt();
        int[] sizes = new int[2 * n];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = buf.getInt();
        }
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            byte[] k = new byte[sizes[2 * i]];
            buf.get(k).get();
            byte[] v = new byte[sizes[2 * i + 1]];
            buf.get(v).get();
            out.put(new String(k, StandardCharsets.ISO_8859_1), v);
        }
        return out;
    }

    @Test
    void theRouteIsKnownToFiltersBeforeTheRouterRuns() throws Exception {
        assertThat(text("xds.route_name")).isEqualTo("r1");
        assertThat(text("xds.cluster_name")).isEqualTo("backend");
        assertThat(text("xds.virtual_host_name")).isEqualTo("vh");
        // The route the headers match: a direct response has a route and no cluster.
        assertThat(new String(property("/direct", "xds.route_name").body(), StandardCharsets.UTF_8))
                .isEqualTo("direct-route");
        assertThat(property("/direct", "xds.cluster_name").statusCode()).isEqualTo(201);
        // The names older Envoy releases answered at the top level.
        assertThat(text("route_name")).isEqualTo("r1");
        assertThat(text("cluster_name")).isEqualTo("backend");
    }

    @Test
    void routeMetadataValuesAreEncodedAsEnvoyEncodesStructValues() throws Exception {
        String ns = "xds.route_metadata.filter_metadata.rns.";
        assertThat(text(ns + "owner")).isEqualTo("team-a");
        HttpResponse<byte[]> weight = property("/", ns + "weight");
        assertThat(ByteBuffer.wrap(weight.body()).order(ByteOrder.LITTLE_ENDIAN).getDouble())
                .isEqualTo(3.0);
        assertThat(property("/", ns + "flag").body()).containsExactly(1);
        assertThat(text(ns + "list.0")).isEqualTo("a");
        // A Struct null has no encoding: SERIALIZATION_FAILURE (3); a missing key: NOT_FOUND (1).
        assertThat(status(ns + "nothing")).isEqualTo(3);
        assertThat(status(ns + "missing")).isEqualTo(1);
        assertThat(status("xds.route_metadata.filter_metadata.other")).isEqualTo(1);
        // The older top-level name reads the same.
        assertThat(text("route_metadata.filter_metadata.rns.owner")).isEqualTo("team-a");
    }

    @Test
    void aWholeMetadataIsItsProtobufEncodingAndAMapIsPairs() throws Exception {
        // Metadata{filter_metadata: {"ns": Struct{fields: {"k": Value{string_value: "v"}}}}}
        byte[] value = {0x1A, 1, 'v'};
        byte[] field = concat(new byte[] {0x0A, 1, 'k', 0x12, (byte) value.length}, value);
        byte[] struct = concat(new byte[] {0x0A, (byte) field.length}, field);
        byte[] entry = concat(new byte[] {0x0A, 2, 'n', 's', 0x12, (byte) struct.length}, struct);
        byte[] metadata = concat(new byte[] {0x0A, (byte) entry.length}, entry);
        assertThat(property("/plain", "xds.route_metadata").body()).isEqualTo(metadata);
        Map<String, byte[]> fields = pairs(
                property("/", "xds.route_metadata.filter_metadata.rns.list").body());
        assertThat(fields).containsOnlyKeys("a", new String(le(1.0), StandardCharsets.ISO_8859_1));
    }

    @Test
    void clusterVirtualHostAndListenerMetadataAndTheListenerItself() throws Exception {
        assertThat(text("xds.cluster_metadata.filter_metadata.cns.tier")).isEqualTo("gold");
        assertThat(text("cluster_metadata.filter_metadata.cns.tier")).isEqualTo("gold");
        assertThat(text("xds.virtual_host_metadata.filter_metadata.vns.tier")).isEqualTo("edge");
        assertThat(text("xds.listener_metadata.filter_metadata.lns.k")).isEqualTo("lv");
        assertThat(text("xds.filter_chain_name")).isEqualTo("chain-0");
        assertThat(property("/", "xds.listener_direction").body()).containsExactly(1, 0, 0, 0, 0, 0, 0, 0);
        // Dynamic metadata, which nothing here writes: an empty Metadata message.
        assertThat(property("/", "metadata").statusCode()).isEqualTo(200);
        assertThat(property("/", "metadata").body()).isEmpty();
        // No upstream host yet while the request headers are filtered, as in Envoy.
        assertThat(status("xds.upstream_host_metadata")).isEqualTo(1);
    }

    @Test
    void theUpstreamHostAndItsEndpointMetadataOnTheResponsePath() throws Exception {
        HttpResponse<String> r =
                proxy.get("/routed", "x-response-property", "xds.upstream_host_metadata.filter_metadata.ens.zone");
        assertThat(r.headers().firstValue("x-upstream")).hasValue("backend");
        assertThat(r.headers().firstValue("x-response-property")).hasValue("z1");
        HttpResponse<String> address = proxy.get("/routed", "x-response-property", "upstream.address");
        assertThat(address.headers().firstValue("x-response-property"))
                .hasValue("127.0.0.1:" + URI.create(backend.url()).getPort());
        HttpResponse<String> missing =
                proxy.get("/routed", "x-response-property", "xds.upstream_host_metadata.filter_metadata.other");
        assertThat(missing.headers().firstValue("x-response-property-status")).hasValue("1");
    }

    @Test
    void theNodeFromTheBootstrap() throws Exception {
        assertThat(text("xds.node.id")).isEqualTo("sidecar~10.0.0.1~pod-a.ns~ns.svc.cluster.local");
        assertThat(text("xds.node.cluster")).isEqualTo("ingress");
        assertThat(text("xds.node.metadata.NAME")).isEqualTo("pod-a");
        assertThat(text("xds.node.metadata.LABELS.app")).isEqualTo("web");
        assertThat(text("xds.node.locality.region")).isEqualTo("eu");
        assertThat(text("node.id")).isEqualTo("sidecar~10.0.0.1~pod-a.ns~ns.svc.cluster.local");
        assertThat(pairs(property("/", "xds.node.metadata.LABELS").body())).containsOnlyKeys("app");
        assertThat(status("xds.node.nothing")).isEqualTo(1);
    }

    @Test
    void aDirectResponseAnswersFromTheRouterAfterTheFilters() throws Exception {
        int before = backend.requests();
        HttpResponse<String> r = proxy.get("/direct/x");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("direct body\n");
        assertThat(backend.requests()).isEqualTo(before);
        HttpResponse<String> routed = proxy.get("/routed");
        assertThat(routed.headers().firstValue("x-upstream")).hasValue("backend");
    }

    @Test
    void compressAndUncompressAreZlibAsInEnvoy() throws Exception {
        byte[] input = "hello hello hello hello wasmesh".repeat(20).getBytes(StandardCharsets.UTF_8);
        HttpResponse<byte[]> compressed = foreign("compress", input);
        assertThat(compressed.statusCode()).isEqualTo(200);
        assertThat(compressed.body()).isEqualTo(deflate(input)).hasSizeLessThan(input.length);
        HttpResponse<byte[]> back = foreign("uncompress", compressed.body());
        assertThat(back.statusCode()).isEqualTo(200);
        assertThat(back.body()).isEqualTo(input);
        assertThat(inflate(compressed.body())).isEqualTo(input);
        // Not a zlib stream, and a truncated one: SERIALIZATION_FAILURE.
        assertThat(foreign("uncompress", input).statusCode()).isEqualTo(203);
        byte[] truncated = java.util.Arrays.copyOf(compressed.body(), compressed.body().length / 2);
        assertThat(foreign("uncompress", truncated).statusCode()).isEqualTo(203);
    }

    @Test
    void envoysOtherForeignFunctions() throws Exception {
        assertThat(foreign("clear_route_cache", new byte[0]).statusCode()).isEqualTo(200);
        // declare_property with DeclarePropertyArguments{name: "p", readonly: true}; a malformed message.
        assertThat(foreign("declare_property", new byte[] {0x0A, 1, 'p', 0x10, 1})
                        .statusCode())
                .isEqualTo(200);
        assertThat(foreign("declare_property", new byte[] {0x0A, 9, 'p'}).statusCode())
                .isEqualTo(202);
        // No filter-state object type is known here: NOT_FOUND, as Envoy for a key without a factory.
        assertThat(foreign("set_envoy_filter_state", new byte[] {0x0A, 1, 'k', 0x12, 1, 'v'})
                        .statusCode())
                .isEqualTo(201);
        // Envoy's CEL functions are not registered: NOT_FOUND, as in an Envoy built without them.
        assertThat(foreign("expr_create", "1 + 1".getBytes(StandardCharsets.UTF_8))
                        .statusCode())
                .isEqualTo(201);
    }

    @Test
    void statsTagsTurnAMetricNameIntoLabels() throws Exception {
        proxy.get("/routed", "x-metric", "custom_header_value_counts_value=foo_reporter=wasmgosdk");
        proxy.get("/routed", "x-metric", "custom_header_value_counts_value=bar_reporter=wasmgosdk");
        String prom = proxy.adminGet("/stats/prometheus").body();
        assertThat(prom)
                .containsOnlyOnce("# TYPE custom_header_value_counts counter\n")
                .contains("custom_header_value_counts{value=\"foo\",reporter=\"wasmgosdk\"} 1\n")
                .contains("custom_header_value_counts{value=\"bar\",reporter=\"wasmgosdk\"} 1\n")
                // Envoy's default tags on the proxy's own stats.
                .containsPattern("envoy_cluster_upstream_rq_total\\{envoy_cluster_name=\"backend\"\\} [1-9]")
                .containsPattern(
                        "envoy_http_downstream_rq_xx\\{envoy_response_code_class=\"2\",envoy_http_conn_manager_prefix=\"ingress_http\"\\} [1-9]");
        // /stats keeps the full names.
        assertThat(proxy.adminGet("/stats").body())
                .contains("wasmcustom.custom_header_value_counts_value=foo_reporter=wasmgosdk: 1");
    }

    @Test
    void fieldsThatChangeNothingHereAreAcceptedWithANotice() {
        assertThat(config.notices())
                .anySatisfy(n -> assertThat(n).startsWith("admin.access_log_path: accepted and not used"))
                .anySatisfy(n -> assertThat(n).startsWith("stats_sinks: accepted and not used"))
                .anySatisfy(n -> assertThat(n).startsWith("layered_runtime: accepted and not used"));
    }

    static byte[] le(double d) {
        return ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putDouble(d)
                .array();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static byte[] deflate(byte[] in) {
        Deflater d = new Deflater();
        d.setInput(in);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }

    static byte[] inflate(byte[] in) throws Exception {
        Inflater i = new Inflater();
        i.setInput(in);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (!i.finished()) {
            out.write(buf, 0, i.inflate(buf));
        }
        i.end();
        return out.toByteArray();
    }
}
