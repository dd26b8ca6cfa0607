package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.proxy.config.ProxyConfig;
import dev.wasmesh.proxy.envoy.EnvoyConfigException;
import dev.wasmesh.proxy.envoy.EnvoyConfigLoader;
import org.junit.jupiter.api.Test;

/**
 * How {@code run --config} reads the names, wrappers and fields Envoy accepts: extensions picked by the type of
 * their typed_config (inside either TypedStruct), legacy names, optional and disabled filters, and the line between
 * fields accepted with a notice and fields refused with their path.
 */
class EnvoyConfigNamesTest {
    static final String VM = "{runtime: envoy.wasm.runtime.v8, code: {local: {filename: examples/seed/filter.wasm}}}";
    static final String WASM_TYPE = "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm";

    /** One http filter as a YAML list item at the depth of http_filters. */
    static String filter(String flowYaml) {
        return "            - " + flowYaml + "\n";
    }

    static final String ROUTER = filter(
            "{name: envoy.filters.http.router, typed_config: {'@type': type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}}");

    /** A bootstrap with the given http filters (YAML list items, indented to fit) and extra top-level YAML. */
    static String bootstrap(String httpFilters, String extra) {
        return """
                static_resources:
                  listeners:
                  - address: {socket_address: {address: 127.0.0.1, port_value: 10000}}
                    filter_chains:
                    - filters:
                      - name: any-name-at-all
                        typed_config:
                          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                          stat_prefix: ingress_http
                          route_config:
                            virtual_hosts:
                            - domains: ["*"]
                              routes:
                              - match: {prefix: /}
                                route: {cluster: echo}
                          http_filters:
                %s
                  clusters:
                  - name: echo
                    load_assignment:
                      endpoints:
                      - lb_endpoints:
                        - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: 8080}}}
                %s
                """.formatted(httpFilters.stripTrailing(), extra);
    }

    static ProxyConfig parse(String yaml) throws EnvoyConfigException {
        return EnvoyConfigLoader.parse(yaml, TestProxy.examples().getParent(), LogLevel.INFO);
    }

    @Test
    void extensionsArePickedByTheirTypeWhateverTheirNameAndInsideEitherTypedStruct() throws Exception {
        String filters = filter("{name: one, typed_config: {'@type': type.googleapis.com/xds.type.v3.TypedStruct,"
                        + " type_url: " + WASM_TYPE + ", value: {config: {name: first, vm_config: " + VM + "}}}}")
                + filter("{name: two, typed_config: {'@type': " + WASM_TYPE + ", config: {vm_config: " + VM + "}}}")
                + filter("{name: my-router, typed_config: {'@type': type.googleapis.com/udpa.type.v1.TypedStruct,"
                        + " type_url: type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}}");
        ProxyConfig c = parse(bootstrap(filters, ""));
        assertThat(c.filters()).hasSize(2);
        assertThat(c.filters().get(0).plugin().name()).isEqualTo("first");
        assertThat(c.filters().get(1).plugin().name()).isEqualTo("two");
        assertThat(c.filters().get(0).localFile()).hasFileName("filter.wasm");
    }

    @Test
    void theRouterByItsNamesWithoutTypedConfig() throws Exception {
        for (String name : new String[] {"envoy.router", "envoy.filters.http.router"}) {
            ProxyConfig c = parse(bootstrap(filter("{name: " + name + "}"), ""));
            assertThat(c.filters()).isEmpty();
        }
        assertThatThrownBy(() -> parse(bootstrap(filter("{name: envoy.filters.http.wasm}"), "")))
                .hasMessageContaining("http_filters[0].typed_config: required for envoy.filters.http.wasm");
    }

    @Test
    void theConnectionManagerNeedsItsTypedConfigUnderEitherName() {
        String yaml = bootstrap(ROUTER, "")
                .replace("name: any-name-at-all\n", "name: envoy.http_connection_manager\n")
                .replaceFirst("(?s)\n +typed_config:\n.*?(?=\n  clusters:)", "");
        assertThatThrownBy(() -> parse(yaml))
                .hasMessageContaining("filters[0].typed_config: required: the HttpConnectionManager");
    }

    @Test
    void anOptionalFilterOfAnotherTypeIsSkippedAndADisabledOneLeftOut() throws Exception {
        String filters = filter("{name: cors, is_optional: true, typed_config: {'@type':"
                        + " type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors}}")
                + filter("{name: off, disabled: true, typed_config: {'@type': " + WASM_TYPE + ", config: {vm_config: "
                        + VM + "}}}");
        ProxyConfig c = parse(bootstrap(filters + ROUTER, ""));
        assertThat(c.filters()).isEmpty();
        assertThat(c.notices())
                .anySatisfy(n -> assertThat(n).contains("optional filter cors").contains("Cors"));
        String required = filter(
                "{name: cors, typed_config: {'@type': type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors}}");
        assertThatThrownBy(() -> parse(bootstrap(required + ROUTER, "")))
                .hasMessageContaining("http_filters[0].typed_config: wasmesh runs wasm and router http filters, not "
                        + "envoy.extensions.filters.http.cors.v3.Cors");
    }

    @Test
    void fieldsThatCannotChangeARequestAreNoticedTheOthersRefusedWithTheirPath() throws Exception {
        ProxyConfig c = parse(bootstrap(ROUTER, """
                admin:
                  access_log: [{name: envoy.access_loggers.file}]
                  profile_path: /tmp/envoy.prof
                  address: {socket_address: {address: 127.0.0.1, port_value: 9901}}
                stats_flush_interval: 5s
                watchdogs: {}
                enable_dispatcher_stats: true
                """));
        assertThat(c.notices())
                .hasSize(5)
                .allSatisfy(n -> assertThat(n).contains(": accepted and not used ("))
                .anySatisfy(n -> assertThat(n).startsWith("admin.access_log:"));
        assertThatThrownBy(() -> parse(bootstrap(ROUTER, "").replace("cluster: echo}", "cluster: nowhere}")))
                .hasMessage(
                        "line 15: static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config"
                                + ".virtual_hosts[0].routes[0].route.cluster: 'nowhere' is not defined in"
                                + " static_resources.clusters");
        assertThatThrownBy(() -> parse(bootstrap(ROUTER, "overload_manager: {}")))
                .hasMessage("line 24: overload_manager: field not supported by wasmesh");
        assertThatThrownBy(() -> parse(bootstrap(ROUTER, "")
                        .replace("- name: echo\n", "- name: echo\n    metadata: {typed_filter_metadata: {}}\n")))
                .hasMessage(
                        "line 20: static_resources.clusters[0].metadata.typed_filter_metadata: field not supported by"
                                + " wasmesh");
        assertThatThrownBy(() -> parse(bootstrap(ROUTER, "stats_config: {stats_tags: [{tag_name: t, regex: '('}]}")))
                .hasMessageContaining("stats_config.stats_tags[0].regex: not a valid regex");
        assertThatThrownBy(() -> parse(bootstrap(ROUTER, "stats_config: {stats_matcher: {reject_all: true}}")))
                .hasMessage("line 24: stats_config.stats_matcher: field not supported by wasmesh");
    }

    @Test
    void wasmConfigFieldsOfLoadingAreNoticedThoseOfBehaviourRefused() throws Exception {
        String vm = "{runtime: v8, allow_precompiled: true, code: {local: {filename: examples/seed/filter.wasm}}}";
        ProxyConfig c = parse(bootstrap(
                filter("{name: w, typed_config: {'@type': " + WASM_TYPE + ", config: {vm_config: " + vm
                                + ", allow_on_headers_stop_iteration: false}}}")
                        + ROUTER,
                ""));
        assertThat(c.filters()).hasSize(1);
        assertThat(c.notices())
                .singleElement()
                .asString()
                .contains("vm_config.allow_precompiled: accepted and not used");
        assertThatThrownBy(() -> parse(bootstrap(
                        filter("{name: w, typed_config: {'@type': " + WASM_TYPE + ", config: {vm_config: " + VM
                                        + ", allow_on_headers_stop_iteration: true}}}")
                                + ROUTER,
                        "")))
                .hasMessageContaining("config.allow_on_headers_stop_iteration: not supported");
    }

    @Test
    void fileAccessLogsAreNoticedAWasmAccessLoggerIsRefused() throws Exception {
        String file = "          access_log: [{name: envoy.access_loggers.file, typed_config: {'@type':"
                + " type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog, path: /dev/stdout}}]\n";
        ProxyConfig c = parse(
                bootstrap(ROUTER, "").replace("stat_prefix: ingress_http\n", "stat_prefix: ingress_http\n" + file));
        assertThat(c.notices())
                .singleElement()
                .asString()
                .endsWith("typed_config.access_log[0]: accepted and not used (wasmesh writes one access log, in"
                        + " Envoy's default format, to stdout)");
        String wasm = "          access_log: [{name: envoy.access_loggers.wasm, typed_config: {'@type':"
                + " type.googleapis.com/envoy.extensions.access_loggers.wasm.v3.WasmAccessLog, config: {}}}]\n";
        assertThatThrownBy(() -> parse(bootstrap(ROUTER, "")
                        .replace("stat_prefix: ingress_http\n", "stat_prefix: ingress_http\n" + wasm)))
                .hasMessageEndingWith("access_log[0].typed_config: wasm access loggers are not run by wasmesh");
    }

    @Test
    void aStructPluginConfigurationIsHandedOverInItsProtobufEncoding() throws Exception {
        ProxyConfig c = parse(bootstrap(
                filter(
                                "{name: w, typed_config: {'@type': " + WASM_TYPE + ", config: {vm_config: " + VM
                                        + ", configuration: {'@type': type.googleapis.com/google.protobuf.Struct, value: {a: b}}}}}")
                        + ROUTER,
                ""));
        // Struct{fields: {"a": Value{string_value: "b"}}}
        assertThat(c.filters().get(0).plugin().pluginConfiguration())
                .containsExactly(0x0A, 8, 0x0A, 1, 'a', 0x12, 3, 0x1A, 1, 'b');
    }
}
