package dev.wasmesh.proxy.envoy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.proxy.config.Endpoint;
import dev.wasmesh.proxy.config.ProxyConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvoyConfigFileTest {
    /** A bootstrap as Go's json.MarshalIndent(v, "", "\t") writes it: JSON indented with tabs. */
    private static final String JSON = """
            {
            \t"static_resources": {
            \t\t"listeners": [{
            \t\t\t"address": {"socket_address": {"address": "127.0.0.1", "port_value": 10000}},
            \t\t\t"filter_chains": [{"filters": [{
            \t\t\t\t"name": "envoy.filters.network.http_connection_manager",
            \t\t\t\t"typed_config": {
            \t\t\t\t\t"@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
            \t\t\t\t\t"stat_prefix": "ingress_http",
            \t\t\t\t\t"route_config": {"virtual_hosts": [{"domains": ["*"], "routes": [
            \t\t\t\t\t\t{"match": {"prefix": "/"}, "route": {"cluster": "echo", "timeout": "1.5s"}}]}]},
            \t\t\t\t\t"http_filters": [{"name": "envoy.filters.http.router"}]
            \t\t\t\t}
            \t\t\t}]}]
            \t\t}],
            \t\t"clusters": [{"name": "echo", "load_assignment": {"endpoints": [{"lb_endpoints": [
            \t\t\t{"endpoint": {"address": {"socket_address": {"address": "127.0.0.1", "port_value": 8080}}}}]}]}}]
            \t}
            }
            """;

    @TempDir
    Path dir;

    private ProxyConfig load(String name, String text) throws Exception {
        Path file = Files.writeString(dir.resolve(name), text);
        return EnvoyConfigLoader.load(file, dir, LogLevel.INFO);
    }

    @Test
    void jsonIndentedWithTabsLoads() throws Exception {
        ProxyConfig c = load("envoy.json", JSON);
        assertThat(c.listen()).isEqualTo(new Endpoint("127.0.0.1", 10000));
        assertThat(c.routes()).singleElement().satisfies(r -> {
            assertThat(r.cluster()).isEqualTo("echo");
            assertThat(r.timeout()).hasMillis(1500);
        });
    }

    @Test
    void errorsFromAFileNameItsLineAndThePath() throws Exception {
        String json = JSON.replace(
                "\"stat_prefix\": \"ingress_http\",", "\"stat_prefix\": \"ingress_http\", \"via\": \"x\",");
        Path file = dir.resolve("envoy.json");
        assertThatThrownBy(() -> load("envoy.json", json))
                .isInstanceOf(EnvoyConfigException.class)
                .hasMessage(file + ":9: static_resources.listeners[0].filter_chains[0].filters[0].typed_config.via:"
                        + " field not supported by wasmesh")
                .satisfies(e ->
                        assertThat(((EnvoyConfigException) e).detail().line()).isEqualTo(9));
        assertThatThrownBy(() -> load("envoy.json", JSON.replace("\"1.5s\"", "\"1500ms\"")))
                .hasMessage(file + ":11: static_resources.listeners[0].filter_chains[0].filters[0].typed_config"
                        + ".route_config.virtual_hosts[0].routes[0].route.timeout: expected a duration like 5s or"
                        + " 0.25s, got '1500ms'");
    }

    @Test
    void aDuplicateKeyIsRefusedWhereverItIs() {
        String yaml = JSON.replace("\"name\": \"echo\",", "\"name\": \"echo\", \"name\": \"other\",");
        assertThatThrownBy(() -> load("dup.json", yaml))
                .isInstanceOf(EnvoyConfigException.class)
                .hasMessage(dir.resolve("dup.json") + ":16: static_resources.clusters[0].name: duplicate key 'name'");
    }
}
