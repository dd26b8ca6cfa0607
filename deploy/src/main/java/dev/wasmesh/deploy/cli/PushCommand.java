package dev.wasmesh.deploy.cli;

import dev.wasmesh.deploy.DeployException;
import dev.wasmesh.deploy.ProxyWasmModuleCheck;
import dev.wasmesh.deploy.oci.ImageReference;
import dev.wasmesh.deploy.oci.ImageVariant;
import dev.wasmesh.deploy.oci.RegistryClient;
import dev.wasmesh.deploy.oci.RemoteModuleFetcher;
import dev.wasmesh.deploy.oci.WasmImage;
import dev.wasmesh.deploy.oci.WasmImageBuilder;
import dev.wasmesh.deploy.oci.WasmImagePusher;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "push",
        mixinStandardHelpOptions = true,
        description = "Push a proxy-wasm module to an OCI registry as an image Istio can pull.",
        footer = {
            "%nExamples:",
            "  wasmesh push filter.wasm ghcr.io/acme/filter:1.0",
            "  wasmesh push filter.wasm localhost:5000/filter:dev --plain-http --variant oci",
            "  echo \"$TOKEN\" | wasmesh push filter.wasm registry.example.com/filter:1.0 -u ci --password-stdin"
        })
public final class PushCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE.wasm", description = "The module to push.")
    Path file;

    @Parameters(index = "1", paramLabel = "REF", description = "Where to push it: [registry/]repository[:tag].")
    String reference;

    @Option(
            names = "--variant",
            paramLabel = "VARIANT",
            defaultValue = "compat",
            converter = Converters.Variant.class,
            description =
                    "Image layout: compat (default; plugin.wasm in a tar.gz layer), oci (Wasm config and layer types)"
                            + " or docker (Docker schema 2).")
    ImageVariant variant;

    @Option(
            names = "--runtime-config",
            paramLabel = "FILE",
            description =
                    "runtime-config.json to use as the oci variant's config (default: generated from the module).")
    Path runtimeConfig;

    @Mixin
    RegistryOptions registry;

    private final InputStream stdin;

    public PushCommand() {
        this(System.in);
    }

    PushCommand(InputStream stdin) {
        this.stdin = stdin;
    }

    @Override
    public Integer call() throws Exception {
        return Failures.run(spec, () -> {
            byte[] module = RemoteModuleFetcher.readFile(file, "module file");
            ProxyWasmModuleCheck.Summary summary = ProxyWasmModuleCheck.check(module, file.toString());
            if (runtimeConfig != null && variant != ImageVariant.OCI) {
                throw new DeployException("--runtime-config is the oci variant's config: add --variant oci");
            }
            WasmImage image = WasmImageBuilder.build(
                    variant,
                    module,
                    summary.abiVersion(),
                    runtimeConfig != null ? RemoteModuleFetcher.readFile(runtimeConfig, "runtime config") : null);
            ImageReference ref = ImageReference.parse(reference);
            RegistryClient client = new RegistryClient(registry.settings(stdin, System.console() != null));
            ImageReference pushed = new WasmImagePusher(client).push(image, ref);
            spec.commandLine().getOut().println("pushed " + variant.label() + " image " + ref);
            spec.commandLine().getOut().println("digest: " + pushed.digest());
            return 0;
        });
    }
}
