package dev.wasmesh.deploy.cli;

import dev.wasmesh.deploy.DeployException;
import dev.wasmesh.deploy.istio.DeployMode;
import dev.wasmesh.deploy.istio.DeploySpec;
import dev.wasmesh.deploy.istio.DeployedModule;
import dev.wasmesh.deploy.istio.FailStrategy;
import dev.wasmesh.deploy.istio.IstioDeployer;
import dev.wasmesh.deploy.istio.Manifests;
import dev.wasmesh.deploy.istio.PatchContext;
import dev.wasmesh.deploy.istio.Phase;
import dev.wasmesh.deploy.istio.PullPolicy;
import dev.wasmesh.deploy.istio.TargetRef;
import dev.wasmesh.deploy.istio.WorkloadPods;
import dev.wasmesh.deploy.oci.RemoteModuleFetcher;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "istio",
        mixinStandardHelpOptions = true,
        description = "Deploy a proxy-wasm filter to Istio as an EnvoyFilter, a WasmPlugin or a TrafficExtension."
                + " The module is inspected first; a module Envoy would refuse changes nothing.",
        footer = {
            "%nExamples:",
            "  wasmesh deploy istio examples/seed/filter.wasm --namespace default \\",
            "      --selector app=productpage,version=v1 --port 8080 --dry-run",
            "  wasmesh deploy istio oci://ghcr.io/acme/filter:1.0 --mode wasmplugin \\",
            "      -n shop -l app=cart --phase AUTHN --config '{\"header\":\"x-acme\"}'",
            "  wasmesh deploy istio oci://ghcr.io/acme/filter:1.0 --mode trafficextension \\",
            "      -n istio-ingress --target-ref Gateway/public --patch-context gateway",
            "%nEnvoyFilter mode copies the module into the istio-proxy container of every selected pod (to --pod-dir)"
                    + " and loads it from there; WasmPlugin and TrafficExtension let istio-agent fetch oci:// and https://"
                    + " modules, and copy a local file like EnvoyFilter mode does."
        })
public final class IstioDeployCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODULE", description = "FILE.wasm, oci://REF or https://URL.")
    String module;

    @Option(
            names = {"-l", "--selector"},
            paramLabel = "LABEL=VALUE",
            split = ",",
            description = "Pods to deploy to, by labels: app=productpage,version=v1.")
    Map<String, String> selector = new LinkedHashMap<>();

    @Option(
            names = "--target-ref",
            paramLabel = "KIND/NAME",
            description = "Attach to a Gateway or Service instead of a selector (wasmplugin, trafficextension):"
                    + " Gateway/public.")
    List<String> targetRefs = new ArrayList<>();

    @Option(names = "--port", paramLabel = "PORT", description = "Only traffic to this port (default: every port).")
    Integer port;

    @Option(
            names = "--mode",
            paramLabel = "MODE",
            defaultValue = "envoyfilter",
            converter = Converters.Mode.class,
            description = "envoyfilter (default), wasmplugin or trafficextension.")
    DeployMode mode;

    @Option(
            names = "--patch-context",
            paramLabel = "CONTEXT",
            defaultValue = "inbound",
            converter = Converters.Context.class,
            description = "inbound (default), outbound or gateway traffic.")
    PatchContext context;

    @Option(
            names = "--name",
            paramLabel = "NAME",
            description = "Name of the deployment (default: from the module's file or image name).")
    String name;

    @Option(
            names = {"--plugin-name", "--root-id"},
            paramLabel = "NAME",
            description = "The plugin's root id (default: the deployment name).")
    String pluginName;

    @Option(
            names = "--vm-id",
            paramLabel = "ID",
            description = "EnvoyFilter mode: the VM id (default: the deployment name).")
    String vmId;

    @Option(
            names = "--runtime",
            paramLabel = "RUNTIME",
            description = "EnvoyFilter mode: the Wasm runtime (default: " + DeploySpec.DEFAULT_RUNTIME + ").")
    String runtime;

    @Option(names = "--config", paramLabel = "JSON|@FILE", description = "Plugin configuration, inline or from a file.")
    String config;

    @Option(
            names = "--env",
            paramLabel = "NAME=VALUE",
            description = "An environment variable for the VM (repeatable).")
    Map<String, String> env = new LinkedHashMap<>();

    @Option(
            names = "--env-from-host",
            paramLabel = "NAME",
            description = "Pass the proxy's own environment variable NAME to the VM (repeatable).")
    List<String> hostEnv = new ArrayList<>();

    @Option(
            names = "--fail-strategy",
            paramLabel = "STRATEGY",
            converter = Converters.Strategy.class,
            description = "FAIL_CLOSE, FAIL_OPEN or FAIL_RELOAD (default: Istio's, FAIL_CLOSE).")
    FailStrategy failStrategy;

    @Option(
            names = "--phase",
            paramLabel = "PHASE",
            converter = Converters.PluginPhase.class,
            description = "AUTHN, AUTHZ or STATS (default: just before the router).")
    Phase phase;

    @Option(
            names = "--priority",
            paramLabel = "N",
            description = "Order among plugins in the same phase (EnvoyFilter: its priority).")
    Integer priority;

    @Option(
            names = "--image-pull-policy",
            paramLabel = "POLICY",
            converter = Converters.Pull.class,
            description = "IfNotPresent or Always.")
    PullPolicy pullPolicy;

    @Option(
            names = "--image-pull-secret",
            paramLabel = "SECRET",
            description = "Secret istio-agent pulls the image with.")
    String pullSecret;

    @Option(
            names = "--pod-dir",
            paramLabel = "DIR",
            defaultValue = DeploySpec.DEFAULT_POD_DIRECTORY,
            description = "Where modules are copied in the istio-proxy container (default: ${DEFAULT-VALUE}).")
    String podDirectory;

    @Option(
            names = "--sha256",
            paramLabel = "HEX",
            description = "The module's expected SHA-256 (for oci://, the image manifest's, as in Istio); a mismatch"
                    + " deploys nothing. Default: pin what the source serves now.")
    String sha256;

    @Option(names = "--dry-run", description = "Print the manifests and change nothing; needs no cluster.")
    boolean dryRun;

    @Mixin
    KubeOptions kube;

    @Mixin
    RegistryOptions registry;

    private final Function<KubeOptions, KubernetesClient> connector;
    private final InputStream stdin;

    public IstioDeployCommand() {
        this(KubeOptions::connect, System.in);
    }

    IstioDeployCommand(Function<KubeOptions, KubernetesClient> connector, InputStream stdin) {
        this.connector = connector;
        this.stdin = stdin;
    }

    @Override
    public Integer call() throws Exception {
        return Failures.run(spec, () -> {
            PrintWriter out = spec.commandLine().getOut();
            if (dryRun) {
                DeploySpec deploySpec = deploySpec(kube.namespace(kube.config().getNamespace()));
                String yaml = Manifests.toYaml(List.of(Manifests.build(deploySpec)));
                if (deploySpec.copiesToPods()) {
                    out.println("# wasmesh copies " + module
                            + " into the istio-proxy container of each running pod matching "
                            + WorkloadPods.describe(selector)
                            + " in namespace " + deploySpec.namespace() + ", at " + deploySpec.podPath());
                }
                out.print(yaml);
                out.flush();
                return 0;
            }
            try (KubernetesClient client = connector.apply(kube)) {
                DeploySpec deploySpec = deploySpec(kube.namespace(client.getNamespace()));
                IstioDeployer.Deployed deployed = new IstioDeployer(client).deploy(deploySpec);
                String kind = deployed.resource().getKind();
                out.println("deployed " + kind + " " + deploySpec.namespace() + "/" + deploySpec.name()
                        + (deployed.pods().isEmpty()
                                ? ""
                                : ", module copied into " + deployed.pods().size() + " pod"
                                        + (deployed.pods().size() == 1 ? "" : "s") + ": "
                                        + String.join(", ", deployed.pods())));
            }
            return 0;
        });
    }

    /** Fetches and inspects the module, so that a bad one is refused before the cluster is touched. */
    private DeploySpec deploySpec(String targetNamespace) {
        DeployedModule source = DeployedModule.load(module, registry.settings(stdin, false), sha256);
        String deploymentName = name != null ? name : DeploymentNames.from(module);
        List<TargetRef> targets = targetRefs.stream().map(TargetRef::parse).toList();
        return new DeploySpec(
                deploymentName,
                targetNamespace,
                source,
                mode,
                context,
                selector,
                targets,
                port,
                pluginName,
                vmId,
                runtime,
                pluginConfig(),
                env,
                hostEnv,
                failStrategy,
                phase,
                priority,
                pullPolicy,
                pullSecret,
                podDirectory);
    }

    private String pluginConfig() {
        if (config == null || !config.startsWith("@")) {
            return config;
        }
        return new String(
                RemoteModuleFetcher.readFile(Path.of(config.substring(1)), "config file"), StandardCharsets.UTF_8);
    }

    /** Kubernetes names from file and image names: lower case, dashes, at most 63 characters. */
    static final class DeploymentNames {
        private DeploymentNames() {}

        static String from(String module) {
            String path = module.contains("://") ? module.substring(module.indexOf("://") + 3) : module;
            path = path.replaceAll("[@?#].*$", "");
            String last = path.substring(path.lastIndexOf('/') + 1);
            if (module.startsWith("oci://") && last.contains(":")) {
                last = last.substring(0, last.indexOf(':'));
            }
            String base = last.replaceAll("(\\.(wasm|tar|gz|tgz))+$", "");
            String name =
                    base.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
            if (name.length() > 63) {
                name = name.substring(0, 63).replaceAll("-+$", "");
            }
            if (name.isEmpty()) {
                throw new DeployException("cannot derive a deployment name from '" + module + "': pass --name");
            }
            return name;
        }
    }
}
