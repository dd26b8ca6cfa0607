package dev.wasmesh.deploy.istio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wasmesh.deploy.DeployException;
import dev.wasmesh.deploy.oci.RegistryClient;
import dev.wasmesh.deploy.testing.CrdSchemas;
import dev.wasmesh.deploy.testing.TestModules;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IstioDeployerTest {
    private static final CrdSchemas SCHEMAS = new CrdSchemas();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> PRODUCTPAGE_V1 = new LinkedHashMap<>(Map.of("app", "productpage"));

    static {
        PRODUCTPAGE_V1.put("version", "v1");
    }

    private MockCluster cluster;
    private KubernetesClient client;
    private final DeployedModule seed =
            DeployedModule.load(TestModules.seedFilterPath().toString(), RegistryClient.Settings.defaults(), null);

    @BeforeEach
    void cluster() {
        cluster = new MockCluster()
                .namespace("default")
                .pod("default", "productpage-v1-a", true, "Running", "app", "productpage", "version", "v1")
                .pod("default", "productpage-v1-b", true, "Running", "app", "productpage", "version", "v1")
                .pod("default", "productpage-v1-pending", true, "Pending", "app", "productpage", "version", "v1")
                .pod("default", "productpage-v2-a", true, "Running", "app", "productpage", "version", "v2")
                .pod("default", "legacy-a", false, "Running", "app", "legacy");
        client = cluster.client;
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    private DeploySpec spec(DeployMode mode, DeployedModule module) {
        return new DeploySpec(
                "filter",
                "default",
                module,
                mode,
                PatchContext.INBOUND,
                PRODUCTPAGE_V1,
                List.of(),
                8080,
                null,
                null,
                null,
                null,
                Map.of(),
                List.of(),
                null,
                null,
                null,
                null,
                null,
                DeploySpec.DEFAULT_POD_DIRECTORY);
    }

    private GenericKubernetesResource stored(IstioKind kind, String name) {
        return client.genericKubernetesResources(kind.context())
                .inNamespace("default")
                .withName(name)
                .get();
    }

    @Test
    void envoyFilterModeCopiesIntoTheRunningSidecarsOfTheSelectedPodsAndAppliesTheFilter() throws Exception {
        DeploySpec spec = spec(DeployMode.ENVOYFILTER, seed);

        IstioDeployer.Deployed deployed = new IstioDeployer(client).deploy(spec);

        assertThat(deployed.pods()).containsExactlyInAnyOrder("productpage-v1-a", "productpage-v1-b");
        for (String pod : List.of("productpage-v1-a", "productpage-v1-b")) {
            assertThat(cluster.sidecarFile("default", pod, spec.podPath())).hasValue(seed.module());
            assertThat(cluster.sidecarFiles("default", pod))
                    .as("the archive is gone once unpacked")
                    .containsExactly(spec.podPath());
        }
        for (String pod : List.of("productpage-v1-pending", "productpage-v2-a", "legacy-a")) {
            assertThat(cluster.sidecarFiles("default", pod)).isEmpty();
        }
        String archive = "'" + DeploySpec.DEFAULT_POD_DIRECTORY + "/."
                + spec.podPath().substring(spec.podPath().lastIndexOf('/') + 1) + ".tar'";
        assertThat(cluster.ran("sh -c mkdir -p '" + DeploySpec.DEFAULT_POD_DIRECTORY + "' && cat > " + archive))
                .as("the archive is streamed in")
                .isEqualTo(2);
        assertThat(cluster.ran(Pattern.compile("sh -c wc -c < " + Pattern.quote(archive))))
                .as("its size is checked until all of it has landed")
                .isGreaterThanOrEqualTo(4);
        assertThat(cluster.ran("sh -c tar -C '" + DeploySpec.DEFAULT_POD_DIRECTORY + "' -xmf " + archive
                        + "; e=$?; rm -f " + archive + "; exit $e"))
                .as("then tar unpacks it")
                .isEqualTo(2);
        GenericKubernetesResource filter = stored(IstioKind.ENVOY_FILTER, "filter");
        assertThat(filter).isNotNull();
        JsonNode json = JSON.valueToTree(filter);
        assertThat(SCHEMAS.validate(json)).isEmpty();
        assertThat(json.at("/spec/configPatches/0/patch/value/typed_config/config/vm_config/code/local/filename")
                        .asText())
                .isEqualTo(spec.podPath());
        assertThat(filter.getMetadata().getAnnotations())
                .containsEntry(Ownership.PODS, String.join(",", deployed.pods()))
                .containsEntry(Ownership.MODULE_SHA256, seed.moduleSha256());
    }

    /** Many websocket frames each, into several pods one after the other: every frame must wait for the one before. */
    @Test
    void largeModulesArriveWhole() throws Exception {
        Path large = Files.write(
                Files.createTempDirectory("wasmesh").resolve("filter.wasm"),
                TestModules.minimal("proxy_abi_version_0_2_1", 3 << 20));
        DeploySpec spec = spec(
                DeployMode.ENVOYFILTER,
                DeployedModule.load(large.toString(), RegistryClient.Settings.defaults(), null));

        new IstioDeployer(client).deploy(spec);

        for (String pod : List.of("productpage-v1-a", "productpage-v1-b")) {
            assertThat(cluster.sidecarFile("default", pod, spec.podPath())).hasValue(Files.readAllBytes(large));
        }
    }

    /** A module istio-agent fetches itself: nothing is copied into pods. */
    private DeployedModule remote() {
        String url = "https://modules.example.test/filter.wasm";
        return new DeployedModule(url, seed.module(), seed.moduleSha256(), url, seed.moduleSha256());
    }

    @Test
    void deployingTwiceChangesNothingTheSecondTime() {
        DeploySpec spec = spec(DeployMode.WASMPLUGIN, remote());
        IstioDeployer deployer = new IstioDeployer(client);

        assertThat(deployer.deploy(spec).pods()).isEmpty();
        GenericKubernetesResource first = stored(IstioKind.WASM_PLUGIN, "filter");
        deployer.deploy(spec);
        GenericKubernetesResource second = stored(IstioKind.WASM_PLUGIN, "filter");

        assertThat(second.getAdditionalProperties().get("spec"))
                .isEqualTo(first.getAdditionalProperties().get("spec"));
        assertThat(second.getMetadata().getLabels())
                .isEqualTo(first.getMetadata().getLabels());
        assertThat(second.getMetadata().getAnnotations())
                .isEqualTo(first.getMetadata().getAnnotations());
        assertThat(client.genericKubernetesResources(IstioKind.WASM_PLUGIN.context())
                        .inNamespace("default")
                        .list()
                        .getItems())
                .hasSize(1);
        assertThat(SCHEMAS.validate(JSON.valueToTree(second))).isEmpty();
    }

    @Test
    void redeployingTheSameModuleIntoPodsIsIdempotentAndANewModuleReplacesTheOldFile() throws Exception {
        IstioDeployer deployer = new IstioDeployer(client);
        DeploySpec first = spec(DeployMode.ENVOYFILTER, seed);
        deployer.deploy(first);
        Object firstSpec = stored(IstioKind.ENVOY_FILTER, "filter")
                .getAdditionalProperties()
                .get("spec");

        deployer.deploy(first);
        assertThat(stored(IstioKind.ENVOY_FILTER, "filter")
                        .getAdditionalProperties()
                        .get("spec"))
                .isEqualTo(firstSpec);
        assertThat(cluster.sidecarFile("default", "productpage-v1-a", first.podPath()))
                .hasValue(seed.module());

        Path newer = Files.write(
                Files.createTempDirectory("wasmesh").resolve("filter.wasm"),
                TestModules.minimal("proxy_abi_version_0_2_1", 10));
        DeploySpec second = spec(
                DeployMode.ENVOYFILTER,
                DeployedModule.load(newer.toString(), RegistryClient.Settings.defaults(), null));
        deployer.deploy(second);

        assertThat(second.podPath()).isNotEqualTo(first.podPath());
        assertThat(cluster.sidecarFile("default", "productpage-v1-a", second.podPath()))
                .hasValue(Files.readAllBytes(newer));
        assertThat(cluster.sidecarFile("default", "productpage-v1-a", first.podPath()))
                .as("the old file is removed")
                .isEmpty();
        assertThat(JSON.valueToTree(stored(IstioKind.ENVOY_FILTER, "filter"))
                        .at("/spec/configPatches/0/patch/value/typed_config/config/vm_config/code/local/filename")
                        .asText())
                .isEqualTo(second.podPath());
    }

    @Test
    void switchingModesReplacesTheEarlierResourceAndItsFiles() throws Exception {
        DeploySpec envoyFilter = spec(DeployMode.ENVOYFILTER, seed);
        IstioDeployer deployer = new IstioDeployer(client);
        deployer.deploy(envoyFilter);

        deployer.deploy(spec(DeployMode.TRAFFICEXTENSION, remote()));

        assertThat(stored(IstioKind.ENVOY_FILTER, "filter")).isNull();
        assertThat(cluster.sidecarFile("default", "productpage-v1-a", envoyFilter.podPath()))
                .isEmpty();
        assertThat(cluster.sidecarFile("default", "productpage-v1-b", envoyFilter.podPath()))
                .isEmpty();
        GenericKubernetesResource extension = stored(IstioKind.TRAFFIC_EXTENSION, "filter");
        assertThat(SCHEMAS.validate(JSON.valueToTree(extension))).isEmpty();
        assertThat(extension.getMetadata().getAnnotations()).doesNotContainKey(Ownership.PODS);
    }

    @Test
    void listShowsWhatIsDeployedAndUndeployRemovesExactlyThat() throws Exception {
        DeploySpec spec = spec(DeployMode.ENVOYFILTER, seed);
        IstioDeployer deployer = new IstioDeployer(client);
        deployer.deploy(spec);
        GenericKubernetesResource foreign = new GenericKubernetesResource();
        foreign.setApiVersion("networking.istio.io/v1alpha3");
        foreign.setKind("EnvoyFilter");
        foreign.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                .withName("someone-elses")
                .withNamespace("default")
                .build());
        foreign.setAdditionalProperty("spec", Map.of("configPatches", List.of()));
        client.genericKubernetesResources(IstioKind.ENVOY_FILTER.context())
                .inNamespace("default")
                .resource(foreign)
                .create();

        List<IstioDeployer.Listed> listed = deployer.list("default");
        assertThat(listed).singleElement().satisfies(d -> {
            assertThat(d.name()).isEqualTo("filter");
            assertThat(d.kind()).isEqualTo(IstioKind.ENVOY_FILTER);
            assertThat(d.target()).isEqualTo("app=productpage,version=v1");
            assertThat(d.source()).isEqualTo(seed.source());
            assertThat(d.pods()).containsExactlyInAnyOrder("productpage-v1-a", "productpage-v1-b");
        });
        assertThat(deployer.list(null)).hasSize(1);

        IstioDeployer.Removed removed = deployer.undeploy("default", "filter");

        assertThat(removed.resources()).containsExactly("EnvoyFilter default/filter");
        assertThat(removed.filesRemoved()).isEqualTo(2);
        assertThat(cluster.ran("rm -f " + spec.podPath())).isEqualTo(2);
        assertThat(cluster.sidecarFile("default", "productpage-v1-a", spec.podPath()))
                .isEmpty();
        assertThat(stored(IstioKind.ENVOY_FILTER, "filter")).isNull();
        assertThat(stored(IstioKind.ENVOY_FILTER, "someone-elses")).isNotNull();
        assertThatThrownBy(() -> deployer.undeploy("default", "filter"))
                .hasMessage("no wasmesh deployment named filter in namespace default (see wasmesh deploy list)");
    }

    @Test
    void aResourceWasmeshDidNotCreateIsLeftAlone() {
        GenericKubernetesResource foreign = new GenericKubernetesResource();
        foreign.setApiVersion("extensions.istio.io/v1alpha1");
        foreign.setKind("WasmPlugin");
        foreign.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                .withName("filter")
                .withNamespace("default")
                .build());
        foreign.setAdditionalProperty("spec", Map.of("url", "oci://example/x"));
        client.genericKubernetesResources(IstioKind.WASM_PLUGIN.context())
                .inNamespace("default")
                .resource(foreign)
                .create();

        assertThatThrownBy(() -> new IstioDeployer(client).deploy(spec(DeployMode.WASMPLUGIN, seed)))
                .hasMessage("WasmPlugin default/filter exists and was not created by wasmesh; choose another --name");
    }

    @Test
    void badInputIsRefusedWithOneLineAndChangesNothing(@TempDir Path dir) throws Exception {
        IstioDeployer deployer = new IstioDeployer(client);
        DeploySpec spec = spec(DeployMode.ENVOYFILTER, seed);

        assertThatThrownBy(() -> deployer.deploy(withNamespace(spec, "shop")))
                .isInstanceOf(DeployException.class)
                .hasMessage("namespace shop not found");
        assertThatThrownBy(() -> deployer.deploy(withSelector(spec, Map.of("app", "ratings"))))
                .hasMessage("no pod in namespace default matches app=ratings");
        assertThatThrownBy(() -> deployer.deploy(withSelector(spec, Map.of("app", "legacy"))))
                .hasMessage("none of the 1 pods matching app=legacy in namespace default has an istio-proxy container:"
                        + " is sidecar injection enabled?");
        Path notProxyWasm = Files.write(dir.resolve("app.wasm"), TestModules.minimal("_start", 0));
        assertThatThrownBy(() -> DeployedModule.load(notProxyWasm.toString(), RegistryClient.Settings.defaults(), null))
                .hasMessageContaining(notProxyWasm + ": missing or unknown proxy-wasm ABI version");
        assertThatThrownBy(() -> DeployedModule.load(
                        dir.resolve("missing.wasm").toString(), RegistryClient.Settings.defaults(), null))
                .hasMessage("module file " + dir.resolve("missing.wasm") + " does not exist");

        assertThat(deployer.list(null)).isEmpty();
        assertThat(cluster.sidecarFile("default", "productpage-v1-a", spec.podPath()))
                .isEmpty();
    }

    @Test
    void aSidecarThatCannotBeWrittenToIsNamedAndNothingIsApplied() {
        cluster.readOnlySidecar("default", "productpage-v1-b");
        DeploySpec spec = spec(DeployMode.ENVOYFILTER, seed);

        assertThatThrownBy(() -> new IstioDeployer(client).deploy(spec))
                .isInstanceOf(DeployException.class)
                .hasMessage("copying the module to default/productpage-v1-b:" + spec.podPath()
                        + " failed: sh: can't create "
                        + DeploySpec.DEFAULT_POD_DIRECTORY + "/."
                        + spec.podPath().substring(spec.podPath().lastIndexOf('/') + 1)
                        + ".tar: Read-only file system (" + DeploySpec.DEFAULT_POD_DIRECTORY + " must be writable)");
        assertThat(stored(IstioKind.ENVOY_FILTER, "filter")).isNull();
        assertThat(cluster.sidecarFiles("default", "productpage-v1-a"))
                .as("the copy that worked is taken back")
                .isEmpty();
    }

    @Test
    void switchingModesWithTheSameLocalModuleKeepsTheFileTheNewResourceUses() {
        IstioDeployer deployer = new IstioDeployer(client);
        DeploySpec envoyFilter = spec(DeployMode.ENVOYFILTER, seed);
        deployer.deploy(envoyFilter);

        DeploySpec plugin = spec(DeployMode.WASMPLUGIN, seed);
        deployer.deploy(plugin);

        assertThat(plugin.podPath()).isEqualTo(envoyFilter.podPath());
        assertThat(stored(IstioKind.ENVOY_FILTER, "filter")).isNull();
        assertThat(JSON.valueToTree(stored(IstioKind.WASM_PLUGIN, "filter"))
                        .at("/spec/url")
                        .asText())
                .isEqualTo("file://" + plugin.podPath());
        for (String pod : List.of("productpage-v1-a", "productpage-v1-b")) {
            assertThat(cluster.sidecarFiles("default", pod)).containsExactly(plugin.podPath());
        }
    }

    @Test
    void aClusterWithoutTheKindsCrdIsToldBeforeAnythingIsCopied() {
        cluster.without(IstioKind.TRAFFIC_EXTENSION);
        IstioDeployer deployer = new IstioDeployer(client);
        DeploySpec spec = spec(DeployMode.TRAFFICEXTENSION, seed);

        assertThatThrownBy(() -> deployer.deploy(spec))
                .isInstanceOf(DeployException.class)
                .hasMessage(
                        "this cluster does not serve TrafficExtension (extensions.istio.io/v1alpha1): install Istio, or a"
                                + " release of it that has TrafficExtension, or choose another --mode");
        assertThat(cluster.sidecarFiles("default", "productpage-v1-a")).isEmpty();
        assertThat(deployer.list("default"))
                .as("list skips the kind the cluster lacks")
                .isEmpty();

        deployer.deploy(spec(DeployMode.WASMPLUGIN, seed));
        assertThat(deployer.list("default"))
                .singleElement()
                .satisfies(d -> assertThat(d.kind()).isEqualTo(IstioKind.WASM_PLUGIN));
        assertThat(deployer.undeploy("default", "filter").resources()).containsExactly("WasmPlugin default/filter");
    }

    private static DeploySpec withNamespace(DeploySpec s, String namespace) {
        return new DeploySpec(
                s.name(),
                namespace,
                s.module(),
                s.mode(),
                s.context(),
                s.selector(),
                s.targetRefs(),
                s.port(),
                s.pluginName(),
                s.vmId(),
                s.runtime(),
                s.pluginConfig(),
                s.env(),
                s.hostEnv(),
                s.failStrategy(),
                s.phase(),
                s.priority(),
                s.pullPolicy(),
                s.pullSecret(),
                s.podDirectory());
    }

    private static DeploySpec withSelector(DeploySpec s, Map<String, String> selector) {
        return new DeploySpec(
                s.name(),
                s.namespace(),
                s.module(),
                s.mode(),
                s.context(),
                selector,
                s.targetRefs(),
                s.port(),
                s.pluginName(),
                s.vmId(),
                s.runtime(),
                s.pluginConfig(),
                s.env(),
                s.hostEnv(),
                s.failStrategy(),
                s.phase(),
                s.priority(),
                s.pullPolicy(),
                s.pullSecret(),
                s.podDirectory());
    }
}
