package dev.wasmesh.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.deploy.istio.IstioKind;
import dev.wasmesh.deploy.oci.Digests;
import dev.wasmesh.deploy.testing.TestModules;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The deploy, list and undeploy commands against fabric8's mock API server, with modules istio-agent fetches. */
@EnableKubernetesMockClient(crud = true)
class DeployCommandClusterTest {
    KubernetesMockServer server;
    KubernetesClient client;
    private CliHarness cli;
    private String url;
    private com.sun.net.httpserver.HttpServer web;

    /** The mock server logs every request through JUL at INFO; the tests' output is more useful without. */
    private static final java.util.logging.Logger MOCK_LOG =
            java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    static {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    @BeforeEach
    void cluster() throws Exception {
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName("shop")
                        .endMetadata()
                        .build())
                .create();
        client.pods()
                .inNamespace("shop")
                .resource(new PodBuilder()
                        .withNewMetadata()
                        .withName("cart-1")
                        .addToLabels("app", "cart")
                        .endMetadata()
                        .withNewSpec()
                        .addNewContainer()
                        .withName("cart")
                        .endContainer()
                        .addNewContainer()
                        .withName("istio-proxy")
                        .endContainer()
                        .endSpec()
                        .withNewStatus()
                        .withPhase("Running")
                        .endStatus()
                        .build())
                .create();
        cli = new CliHarness(server::createClient, "");
        // A module istio-agent would fetch from the web; the test serves it so that deploy can inspect it first.
        web = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        serve("/cart-filter.wasm", TestModules.seedFilter());
        serve("/app.wasm", TestModules.minimal("_start", 0));
        web.start();
        url = "http://127.0.0.1:" + web.getAddress().getPort() + "/cart-filter.wasm";
    }

    private void serve(String path, byte[] body) {
        web.createContext(path, exchange -> {
            try (exchange) {
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
    }

    @org.junit.jupiter.api.AfterEach
    void stopServing() {
        web.stop(0);
    }

    private List<GenericKubernetesResource> everything() {
        List<GenericKubernetesResource> all = new ArrayList<>();
        for (IstioKind kind : IstioKind.values()) {
            all.addAll(client.genericKubernetesResources(kind.context())
                    .inAnyNamespace()
                    .list()
                    .getItems());
        }
        return all;
    }

    @Test
    void aModuleThatFailsInspectOrItsChecksumIsRefusedBeforeTheClusterChanges(@TempDir Path dir) throws Exception {
        String app = url.replace("cart-filter", "app");
        CliHarness.Result notProxyWasm =
                cli.run(new DeployCommand(), "istio", app, "--mode", "wasmplugin", "-n", "shop", "-l", "app=cart");
        assertThat(notProxyWasm.exitCode()).isEqualTo(1);
        assertThat(notProxyWasm.err())
                .isEqualTo("error: " + app + ": missing or unknown proxy-wasm ABI version: no"
                        + " export proxy_abi_version_0_1_0, _0_2_0 or _0_2_1 (proxy_* exports found: none)\n");

        Path text = Files.writeString(dir.resolve("cart.wasm"), "not wasm");
        CliHarness.Result notWasm =
                cli.run(new DeployCommand(), "istio", text.toString(), "-n", "shop", "-l", "app=cart");
        assertThat(notWasm.err()).isEqualTo("error: " + text + ": not a WebAssembly module (no \\0asm header)\n");

        String wrong = "ab".repeat(32);
        CliHarness.Result mismatch = cli.run(
                new DeployCommand(),
                "istio",
                url,
                "--mode",
                "wasmplugin",
                "-n",
                "shop",
                "-l",
                "app=cart",
                "--sha256",
                wrong);
        assertThat(mismatch.err())
                .isEqualTo("error: digest mismatch for " + url + ": expected sha256:" + wrong + " but the content is "
                        + Digests.sha256(TestModules.seedFilter()) + "; refusing it\n");

        assertThat(everything()).isEmpty();

        String sha = Digests.sha256Hex(TestModules.seedFilter());
        CliHarness.Result pinned = cli.run(
                new DeployCommand(),
                "istio",
                url,
                "--mode",
                "wasmplugin",
                "-n",
                "shop",
                "-l",
                "app=cart",
                "--sha256",
                sha);
        assertThat(pinned.err()).isEmpty();
        assertThat(everything())
                .singleElement()
                .satisfies(
                        r -> assertThat(((Map<?, ?>) r.getAdditionalProperties().get("spec")).get("sha256"))
                                .isEqualTo(sha));
    }

    @Test
    void theKubeconfigContextChoosesTheClusterAndTheNamespace(@TempDir Path dir) throws Exception {
        Path kubeconfig = Files.writeString(dir.resolve("config"), """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster:
            server: %s
            insecure-skip-tls-verify: true
        users:
        - name: tester
          user:
            token: any
        contexts:
        - name: shop
          context: {cluster: mock, user: tester, namespace: shop}
        - name: elsewhere
          context: {cluster: mock, user: tester, namespace: nowhere}
        current-context: elsewhere
        """.formatted(server.url("/")));

        CliHarness.Result deployed = new CliHarness()
                .run(
                        new IstioDeployCommand(),
                        url,
                        "--mode",
                        "wasmplugin",
                        "-l",
                        "app=cart",
                        "--kubeconfig",
                        kubeconfig.toString(),
                        "--context",
                        "shop");
        assertThat(deployed.err()).isEmpty();
        assertThat(deployed.out()).isEqualTo("deployed WasmPlugin shop/cart-filter\n");

        CliHarness.Result listed = new CliHarness()
                .run(new DeployListCommand(), "--kubeconfig", kubeconfig.toString(), "--context", "shop");
        assertThat(listed.out()).contains("shop        cart-filter   WasmPlugin");

        CliHarness.Result current =
                new CliHarness().run(new UndeployCommand(), "cart-filter", "--kubeconfig", kubeconfig.toString());
        assertThat(current.err())
                .as("the current context's namespace")
                .isEqualTo("error: namespace nowhere not found\n");

        CliHarness.Result typo = new CliHarness()
                .run(new DeployListCommand(), "--kubeconfig", kubeconfig.toString(), "--context", "shoop");
        assertThat(typo.exitCode()).isEqualTo(1);
        assertThat(typo.err())
                .isEqualTo("error: context shoop not found in " + kubeconfig + " (it has shop," + " elsewhere)\n");

        Path missing = dir.resolve("missing");
        CliHarness.Result noFile = new CliHarness().run(new DeployListCommand(), "--kubeconfig", missing.toString());
        assertThat(noFile.err()).isEqualTo("error: kubeconfig " + missing + " does not exist\n");

        assertThat(everything())
                .singleElement()
                .satisfies(r -> assertThat(r.getMetadata().getNamespace()).isEqualTo("shop"));
    }

    @Test
    void deployListUndeploy() {
        CliHarness.Result deployed = cli.run(
                new DeployCommand(),
                "istio",
                url,
                "--mode",
                "wasmplugin",
                "-n",
                "shop",
                "-l",
                "app=cart",
                "--phase",
                "STATS",
                "--config",
                "{\"limit\":5}");
        assertThat(deployed.err()).isEmpty();
        assertThat(deployed.out()).isEqualTo("deployed WasmPlugin shop/cart-filter\n");
        assertThat(client.genericKubernetesResources(IstioKind.WASM_PLUGIN.context())
                        .inNamespace("shop")
                        .withName("cart-filter")
                        .get())
                .isNotNull();

        CliHarness.Result listed = cli.run(new DeployCommand(), "list", "-A");
        assertThat(listed.exitCode()).isZero();
        assertThat(listed.out().lines().toList()).hasSize(2);
        assertThat(listed.out().lines().findFirst().orElseThrow()).startsWith("NAMESPACE   NAME          KIND");
        assertThat(listed.out()).contains("shop        cart-filter   WasmPlugin   app=cart   " + url);

        CliHarness.Result undeployed = new CliHarness()
                .run(new UndeployCommand(options -> server.createClient()), "cart-filter", "-n", "shop");
        assertThat(undeployed.out()).isEqualTo("removed WasmPlugin shop/cart-filter\n");
        assertThat(cli.run(new DeployCommand(), "list", "-n", "shop").out())
                .isEqualTo("no wasmesh deployments in namespace shop\n");
    }

    @Test
    void badInputIsOneLineAndExitCodeOne() {
        CliHarness.Result noNamespace =
                cli.run(new DeployCommand(), "istio", url, "--mode", "wasmplugin", "-n", "nowhere", "-l", "app=cart");
        assertThat(noNamespace.exitCode()).isEqualTo(1);
        assertThat(noNamespace.err()).isEqualTo("error: namespace nowhere not found\n");

        CliHarness.Result noPods =
                cli.run(new DeployCommand(), "istio", url, "--mode", "wasmplugin", "-n", "shop", "-l", "app=checkout");
        assertThat(noPods.err()).isEqualTo("error: no pod in namespace shop matches app=checkout\n");

        CliHarness.Result badConfig = cli.run(
                new DeployCommand(),
                "istio",
                url,
                "--mode",
                "wasmplugin",
                "-n",
                "shop",
                "-l",
                "app=cart",
                "--config",
                "[1,2]");
        assertThat(badConfig.err())
                .isEqualTo("error: --config must be a JSON object for --mode wasmplugin (Istio passes"
                        + " pluginConfig as an object)\n");

        CliHarness.Result phaseForEnvoyFilter =
                cli.run(new DeployCommand(), "istio", url, "-n", "shop", "-l", "app=cart", "--phase", "AUTHN");
        assertThat(phaseForEnvoyFilter.err())
                .isEqualTo("error: --phase applies only to --mode wasmplugin and trafficextension"
                        + " (an EnvoyFilter inserts the filter just before the router)\n");

        String missing = url.replace("cart-filter", "missing");
        CliHarness.Result notThere = cli.run(new DeployCommand(), "istio", missing, "-n", "shop", "-l", "app=cart");
        assertThat(notThere.err()).isEqualTo("error: cannot download " + missing + ": HTTP 404\n");

        CliHarness.Result badMode = cli.run(new DeployCommand(), "istio", url, "--mode", "helm");
        assertThat(badMode.exitCode()).isEqualTo(2);
        assertThat(badMode.err()).contains("'helm' is not one of envoyfilter, wasmplugin, trafficextension");

        assertThat(client.genericKubernetesResources(IstioKind.ENVOY_FILTER.context())
                        .inAnyNamespace()
                        .list()
                        .getItems())
                .isEmpty();
        assertThat(client.genericKubernetesResources(IstioKind.WASM_PLUGIN.context())
                        .inAnyNamespace()
                        .list()
                        .getItems())
                .isEmpty();
    }
}
