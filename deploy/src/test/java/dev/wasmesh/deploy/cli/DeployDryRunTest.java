package dev.wasmesh.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.wasmesh.deploy.oci.Digests;
import dev.wasmesh.deploy.testing.CrdSchemas;
import dev.wasmesh.deploy.testing.TestModules;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The seed's intent — productpage v1, port 8080, inbound, just before the router — in each mode, as the dry run
 * prints it, checked against Istio's CRD schemas.
 */
class DeployDryRunTest {
    private static final CrdSchemas SCHEMAS = new CrdSchemas();
    private final String seed = TestModules.seedFilterPath().toString();
    private final String sha = Digests.sha256Hex(TestModules.seedFilter());

    private JsonNode dryRun(String... extra) throws Exception {
        String[] base = {
            "istio",
            seed,
            "--dry-run",
            "--namespace",
            "default",
            "--selector",
            "app=productpage,version=v1",
            "--port",
            "8080"
        };
        CliHarness.Result result = new CliHarness().run(new DeployCommand(), concat(base, extra));
        assertThat(result.err()).isEmpty();
        assertThat(result.exitCode()).isZero();
        List<JsonNode> docs = new YAMLMapper()
                .readerFor(JsonNode.class)
                .<JsonNode>readValues(result.out())
                .readAll();
        assertThat(docs).hasSize(1);
        JsonNode manifest = docs.get(0);
        assertThat(SCHEMAS.validate(manifest)).isEmpty();
        assertThat(manifest.at("/metadata/namespace").asText()).isEqualTo("default");
        assertThat(manifest.at("/metadata/labels/app.kubernetes.io~1managed-by").asText())
                .isEqualTo("wasmesh");
        return manifest;
    }

    @Test
    void envoyFilterInsertsTheWasmFilterBeforeTheRouterOfInbound8080() throws Exception {
        JsonNode manifest = dryRun();

        assertThat(manifest.path("apiVersion").asText()).isEqualTo("networking.istio.io/v1alpha3");
        assertThat(manifest.path("kind").asText()).isEqualTo("EnvoyFilter");
        assertThat(manifest.path("metadata").path("name").asText()).isEqualTo("filter");
        assertThat(manifest.at("/spec/workloadSelector/labels").toString())
                .isEqualTo("{\"app\":\"productpage\",\"version\":\"v1\"}");
        JsonNode patch = manifest.at("/spec/configPatches/0");
        assertThat(patch.path("applyTo").asText()).isEqualTo("HTTP_FILTER");
        assertThat(patch.at("/match/context").asText()).isEqualTo("SIDECAR_INBOUND");
        assertThat(patch.at("/match/listener/portNumber").asInt()).isEqualTo(8080);
        assertThat(patch.at("/match/listener/filterChain/filter/name").asText())
                .isEqualTo("envoy.filters.network.http_connection_manager");
        assertThat(patch.at("/match/listener/filterChain/filter/subFilter/name").asText())
                .isEqualTo("envoy.filters.http.router");
        assertThat(patch.at("/patch/operation").asText()).isEqualTo("INSERT_BEFORE");
        assertThat(patch.at("/patch/value/name").asText()).isEqualTo("envoy.filters.http.wasm");
        JsonNode typed = patch.at("/patch/value/typed_config");
        assertThat(typed.path("@type").asText())
                .isEqualTo("type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm");
        assertThat(typed.at("/config/root_id").asText()).isEqualTo("filter");
        assertThat(typed.at("/config/vm_config/vm_id").asText()).isEqualTo("filter");
        assertThat(typed.at("/config/vm_config/runtime").asText()).isEqualTo("envoy.wasm.runtime.v8");
        assertThat(typed.at("/config/vm_config/code/local/filename").asText())
                .isEqualTo("/var/lib/istio/data/wasmesh/filter-" + sha.substring(0, 12) + ".wasm");
    }

    @Test
    void wasmPluginSelectsTheSameWorkloadAndPort() throws Exception {
        JsonNode manifest = dryRun("--mode", "wasmplugin");

        assertThat(manifest.path("apiVersion").asText()).isEqualTo("extensions.istio.io/v1alpha1");
        assertThat(manifest.path("kind").asText()).isEqualTo("WasmPlugin");
        assertThat(manifest.at("/spec/selector/matchLabels").toString())
                .isEqualTo("{\"app\":\"productpage\",\"version\":\"v1\"}");
        assertThat(manifest.at("/spec/url").asText())
                .isEqualTo("file:///var/lib/istio/data/wasmesh/filter-" + sha.substring(0, 12) + ".wasm");
        assertThat(manifest.at("/spec/sha256").asText()).isEqualTo(sha);
        assertThat(manifest.at("/spec/match").toString())
                .isEqualTo("[{\"mode\":\"SERVER\",\"ports\":[{\"number\":8080}]}]");
        assertThat(manifest.at("/spec/pluginName").asText()).isEqualTo("filter");
        assertThat(manifest.at("/spec/phase").isMissingNode())
                .as("no phase: just before the router")
                .isTrue();
    }

    @Test
    void trafficExtensionSelectsTheSameWorkloadAndPort() throws Exception {
        JsonNode manifest = dryRun("--mode", "trafficextension");

        assertThat(manifest.path("kind").asText()).isEqualTo("TrafficExtension");
        assertThat(manifest.at("/spec/selector/matchLabels/app").asText()).isEqualTo("productpage");
        assertThat(manifest.at("/spec/match/0/mode").asText()).isEqualTo("SERVER");
        assertThat(manifest.at("/spec/match/0/ports/0/number").asInt()).isEqualTo(8080);
        assertThat(manifest.at("/spec/wasm/url").asText()).startsWith("file:///var/lib/istio/data/wasmesh/filter-");
        assertThat(manifest.at("/spec/wasm/sha256").asText()).isEqualTo(sha);
        assertThat(manifest.at("/spec/phase").isMissingNode()).isTrue();
    }

    @Test
    void everyOptionLandsInASchemaValidManifest() throws Exception {
        String[] options = {
            "--config",
            "{\"header\":\"x-seed\"}",
            "--env",
            "MODE=strict",
            "--env-from-host",
            "POD_NAME",
            "--fail-strategy",
            "fail-open",
            "--priority",
            "10",
            "--name",
            "seed-filter",
            "--plugin-name",
            "seed"
        };
        JsonNode envoyFilter = dryRun(concat(
                options, "--patch-context", "outbound", "--vm-id", "shared", "--runtime", "envoy.wasm.runtime.null"));
        JsonNode config = envoyFilter.at("/spec/configPatches/0/patch/value/typed_config/config");
        assertThat(envoyFilter.at("/spec/configPatches/0/match/context").asText())
                .isEqualTo("SIDECAR_OUTBOUND");
        assertThat(config.at("/configuration/value").asText()).isEqualTo("{\"header\":\"x-seed\"}");
        assertThat(config.path("failure_policy").asText()).isEqualTo("FAIL_OPEN");
        assertThat(config.at("/vm_config/environment_variables/key_values/MODE").asText())
                .isEqualTo("strict");
        assertThat(config.at("/vm_config/environment_variables/host_env_keys/0").asText())
                .isEqualTo("POD_NAME");
        assertThat(envoyFilter.at("/spec/priority").asInt()).isEqualTo(10);

        String[] pluginOptions = concat(
                options,
                "--phase",
                "authn",
                "--image-pull-policy",
                "always",
                "--image-pull-secret",
                "registry-creds",
                "--patch-context",
                "gateway");
        JsonNode plugin = dryRun(concat(pluginOptions, "--mode", "wasmplugin"));
        assertThat(plugin.at("/spec/pluginConfig/header").asText()).isEqualTo("x-seed");
        assertThat(plugin.at("/spec/phase").asText()).isEqualTo("AUTHN");
        assertThat(plugin.at("/spec/imagePullPolicy").asText()).isEqualTo("Always");
        assertThat(plugin.at("/spec/failStrategy").asText()).isEqualTo("FAIL_OPEN");
        assertThat(plugin.at("/spec/vmConfig/env").toString())
                .isEqualTo("[{\"name\":\"MODE\",\"value\":\"strict\"},{\"name\":\"POD_NAME\",\"valueFrom\":\"HOST\"}]");
        assertThat(plugin.at("/spec/match/0/mode").asText()).isEqualTo("CLIENT");

        JsonNode extension = dryRun(concat(pluginOptions, "--mode", "trafficextension"));
        assertThat(extension.at("/spec/wasm/pluginName").asText()).isEqualTo("seed");
        assertThat(extension.at("/spec/wasm/imagePullSecret").asText()).isEqualTo("registry-creds");
        assertThat(extension.at("/spec/priority").asInt()).isEqualTo(10);
    }

    @Test
    void theEnvoyFilterDryRunSaysWhereTheModuleWillBeCopied() {
        CliHarness.Result result = new CliHarness()
                .run(new DeployCommand(), "istio", seed, "--dry-run", "-l", "app=productpage,version=v1");
        assertThat(result.out())
                .startsWith(
                        "# wasmesh copies " + seed + " into the istio-proxy container of each running"
                                + " pod matching app=productpage,version=v1 in namespace default, at /var/lib/istio/data/wasmesh/filter-");
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = new String[first.length + more.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
