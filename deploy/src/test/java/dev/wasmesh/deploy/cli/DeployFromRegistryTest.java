package dev.wasmesh.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.wasmesh.deploy.oci.CredentialSource;
import dev.wasmesh.deploy.oci.ImageReference;
import dev.wasmesh.deploy.oci.ImageVariant;
import dev.wasmesh.deploy.oci.RegistryClient;
import dev.wasmesh.deploy.oci.WasmImageBuilder;
import dev.wasmesh.deploy.oci.WasmImagePusher;
import dev.wasmesh.deploy.testing.CrdSchemas;
import dev.wasmesh.deploy.testing.LocalRegistry;
import dev.wasmesh.deploy.testing.TestModules;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Deploying an image from a real registry: istio-agent fetches it, pinned to the manifest digest wasmesh saw. */
class DeployFromRegistryTest {
    @RegisterExtension
    static final LocalRegistry registry = LocalRegistry.anonymous();

    private static final CrdSchemas SCHEMAS = new CrdSchemas();
    private static String image;
    private static String manifestHex;

    @BeforeAll
    static void pushSeed() {
        RegistryClient client = new RegistryClient(
                RegistryClient.Settings.defaults().withPlainHttp(true).withCredentials(CredentialSource.anonymous()));
        ImageReference pushed = new WasmImagePusher(client)
                .push(
                        WasmImageBuilder.build(ImageVariant.OCI, TestModules.seedFilter(), "0.2.1", null),
                        ImageReference.parse(registry.host() + "/filters/seed:v1"));
        image = "oci://" + registry.host() + "/filters/seed:v1";
        manifestHex = pushed.digest().substring("sha256:".length());
    }

    private static JsonNode dryRun(String... args) throws Exception {
        String[] base = {"istio", image, "--plain-http", "--dry-run", "-n", "default"};
        String[] all = new String[base.length + args.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(args, 0, all, base.length, args.length);
        CliHarness.Result result = new CliHarness().run(new DeployCommand(), all);
        assertThat(result.err()).isEmpty();
        List<JsonNode> docs = new YAMLMapper()
                .readerFor(JsonNode.class)
                .<JsonNode>readValues(result.out())
                .readAll();
        assertThat(docs).hasSize(1);
        assertThat(SCHEMAS.validate(docs.get(0))).isEmpty();
        return docs.get(0);
    }

    @Test
    void aWasmPluginOnAGatewayFetchesTheImagePinnedToItsDigest() throws Exception {
        JsonNode plugin = dryRun(
                "--mode",
                "wasmplugin",
                "--target-ref",
                "Gateway/public",
                "--patch-context",
                "gateway",
                "--image-pull-policy",
                "IfNotPresent",
                "--image-pull-secret",
                "registry-creds");

        assertThat(plugin.at("/metadata/name").asText()).isEqualTo("seed");
        assertThat(plugin.at("/spec/url").asText()).isEqualTo(image);
        assertThat(plugin.at("/spec/sha256").asText()).isEqualTo(manifestHex);
        assertThat(plugin.at("/spec/targetRefs").toString())
                .isEqualTo("[{\"group\":\"gateway.networking.k8s.io\",\"kind\":\"Gateway\",\"name\":\"public\"}]");
        assertThat(plugin.at("/spec/selector").isMissingNode()).isTrue();
        assertThat(plugin.at("/spec/imagePullPolicy").asText()).isEqualTo("IfNotPresent");
        assertThat(plugin.at("/spec/imagePullSecret").asText()).isEqualTo("registry-creds");
        assertThat(plugin.at("/metadata/annotations/wasmesh.dev~1module-path").isMissingNode())
                .as("istio-agent fetches it: nothing is copied into pods")
                .isTrue();
    }

    @Test
    void aTrafficExtensionOnAServiceToo() throws Exception {
        JsonNode extension = dryRun(
                "--mode",
                "trafficextension",
                "--target-ref",
                "Service/productpage",
                "--port",
                "9080",
                "--sha256",
                "sha256:" + manifestHex);

        assertThat(extension.at("/spec/targetRefs").toString())
                .isEqualTo("[{\"group\":\"\",\"kind\":\"Service\",\"name\":\"productpage\"}]");
        assertThat(extension.at("/spec/wasm/url").asText()).isEqualTo(image);
        assertThat(extension.at("/spec/wasm/sha256").asText()).isEqualTo(manifestHex);
        assertThat(extension.at("/spec/match/0/ports/0/number").asInt()).isEqualTo(9080);
    }

    @Test
    void anEnvoyFilterCopiesThePulledModuleIntoThePods() throws Exception {
        CliHarness.Result result = new CliHarness()
                .run(
                        new DeployCommand(),
                        "istio",
                        image,
                        "--plain-http",
                        "--dry-run",
                        "-n",
                        "default",
                        "-l",
                        "app=productpage");

        assertThat(result.err()).isEmpty();
        assertThat(result.out()).startsWith("# wasmesh copies " + image + " into the istio-proxy container");
    }

    @Test
    void aWrongDigestOrAnUnknownTagDeploysNothing() {
        String wrong = "0".repeat(64);
        CliHarness.Result mismatch = new CliHarness()
                .run(
                        new DeployCommand(),
                        "istio",
                        image,
                        "--plain-http",
                        "--dry-run",
                        "--mode",
                        "wasmplugin",
                        "-l",
                        "app=productpage",
                        "--sha256",
                        wrong);
        assertThat(mismatch.exitCode()).isEqualTo(1);
        assertThat(mismatch.out()).isEmpty();
        assertThat(mismatch.err())
                .isEqualTo("error: digest mismatch for " + image + ": the image's manifest is sha256:" + manifestHex
                        + " but --sha256 " + wrong + " was expected (for oci:// it names the manifest, as in Istio)\n");

        CliHarness.Result unknown = new CliHarness()
                .run(
                        new DeployCommand(),
                        "istio",
                        image.replace(":v1", ":v9"),
                        "--plain-http",
                        "--dry-run",
                        "-l",
                        "app=productpage");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err())
                .startsWith("error: image " + registry.host() + "/filters/seed:v9 not found in " + registry.host())
                .hasLineCount(1);
    }
}
