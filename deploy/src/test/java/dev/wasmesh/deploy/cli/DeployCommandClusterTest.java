package dev.wasmesh.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.deploy.istio.IstioKind;
import dev.wasmesh.deploy.testing.TestModules;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The deploy, list and undeploy commands against fabric8's mock API server, with modules istio-agent fetches. */
@EnableKubernetesMockClient(crud = true)
class DeployCommandClusterTest {
  KubernetesMockServer server;
  KubernetesClient client;
  private CliHarness cli;
  private String url;
  private com.sun.net.httpserver.HttpServer web;

  @BeforeEach
  void cluster() throws Exception {
    java.util.logging.Logger.getLogger("io.fabric8.mockwebserver").setLevel(java.util.logging.Level.WARNING);
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build())
        .create();
    client.pods().inNamespace("shop").resource(new PodBuilder()
        .withNewMetadata().withName("cart-1").addToLabels("app", "cart").endMetadata()
        .withNewSpec().addNewContainer().withName("cart").endContainer().addNewContainer().withName("istio-proxy")
        .endContainer().endSpec()
        .withNewStatus().withPhase("Running").endStatus().build()).create();
    cli = new CliHarness(server::createClient, "");
    // A module istio-agent would fetch from the web; the test serves it so that deploy can inspect it first.
    web = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    byte[] module = TestModules.seedFilter();
    web.createContext("/cart-filter.wasm", exchange -> {
      try (exchange) {
        exchange.sendResponseHeaders(200, module.length);
        exchange.getResponseBody().write(module);
      }
    });
    web.start();
    url = "http://127.0.0.1:" + web.getAddress().getPort() + "/cart-filter.wasm";
  }

  @org.junit.jupiter.api.AfterEach
  void stopServing() {
    web.stop(0);
  }

  @Test
  void deployListUndeploy() {
    CliHarness.Result deployed = cli.run(new DeployCommand(), "istio", url, "--mode", "wasmplugin", "-n", "shop",
        "-l", "app=cart", "--phase", "STATS", "--config", "{\"limit\":5}");
    assertThat(deployed.err()).isEmpty();
    assertThat(deployed.out()).isEqualTo("deployed WasmPlugin shop/cart-filter\n");
    assertThat(client.genericKubernetesResources(IstioKind.WASM_PLUGIN.context()).inNamespace("shop")
        .withName("cart-filter").get()).isNotNull();

    CliHarness.Result listed = cli.run(new DeployCommand(), "list", "-A");
    assertThat(listed.exitCode()).isZero();
    assertThat(listed.out().lines().toList()).hasSize(2);
    assertThat(listed.out().lines().findFirst().orElseThrow()).startsWith("NAMESPACE   NAME          KIND");
    assertThat(listed.out()).contains("shop        cart-filter   WasmPlugin   app=cart   " + url);

    CliHarness.Result undeployed = new CliHarness().run(new UndeployCommand(options -> server.createClient()),
        "cart-filter", "-n", "shop");
    assertThat(undeployed.out()).isEqualTo("removed WasmPlugin shop/cart-filter\n");
    assertThat(cli.run(new DeployCommand(), "list", "-n", "shop").out())
        .isEqualTo("no wasmesh deployments in namespace shop\n");
  }

  @Test
  void badInputIsOneLineAndExitCodeOne() {
    CliHarness.Result noNamespace = cli.run(new DeployCommand(), "istio", url, "--mode", "wasmplugin", "-n", "nowhere",
        "-l", "app=cart");
    assertThat(noNamespace.exitCode()).isEqualTo(1);
    assertThat(noNamespace.err()).isEqualTo("error: namespace nowhere not found\n");

    CliHarness.Result noPods = cli.run(new DeployCommand(), "istio", url, "--mode", "wasmplugin", "-n", "shop",
        "-l", "app=checkout");
    assertThat(noPods.err()).isEqualTo("error: no pod in namespace shop matches app=checkout\n");

    CliHarness.Result badConfig = cli.run(new DeployCommand(), "istio", url, "--mode", "wasmplugin", "-n", "shop",
        "-l", "app=cart", "--config", "[1,2]");
    assertThat(badConfig.err()).isEqualTo("error: --config must be a JSON object for --mode wasmplugin (Istio passes"
        + " pluginConfig as an object)\n");

    CliHarness.Result phaseForEnvoyFilter = cli.run(new DeployCommand(), "istio", url, "-n", "shop", "-l", "app=cart",
        "--phase", "AUTHN");
    assertThat(phaseForEnvoyFilter.err())
        .isEqualTo("error: --phase applies only to --mode wasmplugin and trafficextension"
        + " (an EnvoyFilter inserts the filter just before the router)\n");

    String missing = url.replace("cart-filter", "missing");
    CliHarness.Result notThere = cli.run(new DeployCommand(), "istio", missing, "-n", "shop", "-l", "app=cart");
    assertThat(notThere.err()).isEqualTo("error: cannot download " + missing + ": HTTP 404\n");

    CliHarness.Result badMode = cli.run(new DeployCommand(), "istio", url, "--mode", "helm");
    assertThat(badMode.exitCode()).isEqualTo(2);
    assertThat(badMode.err()).contains("'helm' is not one of envoyfilter, wasmplugin, trafficextension");

    assertThat(client.genericKubernetesResources(IstioKind.ENVOY_FILTER.context()).inAnyNamespace().list().getItems())
        .isEmpty();
    assertThat(client.genericKubernetesResources(IstioKind.WASM_PLUGIN.context()).inAnyNamespace().list().getItems())
        .isEmpty();
  }
}
