package dev.wasmesh.deploy.istio;

import java.util.List;
import java.util.Map;

/**
 * Everything that decides the manifests of one deployment. Optional settings are null (or empty) when not given, and
 * are then left out of the manifests so that Istio's defaults apply.
 *
 * @param selector pod labels; empty when {@code targetRefs} names the targets instead
 * @param port the port whose traffic the filter sees, or null for every port
 * @param pluginConfig JSON handed to the plugin, or null
 * @param env inline environment variables of the VM
 * @param hostEnv names of variables the VM takes from the proxy's environment
 * @param podDirectory where local modules are copied to in the istio-proxy container
 */
public record DeploySpec(
        String name,
        String namespace,
        DeployedModule module,
        DeployMode mode,
        PatchContext context,
        Map<String, String> selector,
        List<TargetRef> targetRefs,
        Integer port,
        String pluginName,
        String vmId,
        String runtime,
        String pluginConfig,
        Map<String, String> env,
        List<String> hostEnv,
        FailStrategy failStrategy,
        Phase phase,
        Integer priority,
        PullPolicy pullPolicy,
        String pullSecret,
        String podDirectory) {

    public static final String DEFAULT_RUNTIME = "envoy.wasm.runtime.v8";
    public static final String DEFAULT_POD_DIRECTORY = "/var/lib/istio/data/wasmesh";

    /** Modules from a file travel into the pods; EnvoyFilters always load from a local file. */
    public boolean copiesToPods() {
        return mode == DeployMode.ENVOYFILTER || module.isLocal();
    }

    /** A file name that changes with the content, so that Envoy sees a new config and reloads the module. */
    public String podPath() {
        return podDirectory + "/" + name + "-" + module.moduleSha256().substring(0, 12) + ".wasm";
    }

    public String effectivePluginName() {
        return pluginName != null ? pluginName : name;
    }
}
