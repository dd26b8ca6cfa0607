package dev.wasmesh.deploy.oci;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wasmesh.deploy.DeployException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Lays a module out as an image of the chosen variant, byte for byte reproducible for the same inputs. */
public final class WasmImageBuilder {
    static final String PLUGIN_FILE = "plugin.wasm";
    static final String RUNTIME_CONFIG_FILE = "runtime-config.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private WasmImageBuilder() {}

    /**
     * @param runtimeConfig the oci variant's config blob ({@code runtime-config.json}); null for a generated one naming
     *     the module's ABI version. Ignored by the other variants.
     */
    public static WasmImage build(ImageVariant variant, byte[] module, String abiVersion, byte[] runtimeConfig) {
        return switch (variant) {
            case COMPAT ->
                layered(
                        variant,
                        MediaTypes.OCI_MANIFEST,
                        MediaTypes.OCI_CONFIG,
                        MediaTypes.OCI_LAYER_TAR_GZIP,
                        module,
                        Map.of(MediaTypes.VARIANT_ANNOTATION, "compat"));
            case DOCKER ->
                layered(
                        variant,
                        MediaTypes.DOCKER_MANIFEST,
                        MediaTypes.DOCKER_CONFIG,
                        MediaTypes.DOCKER_LAYER_TAR_GZIP,
                        module,
                        null);
            case OCI ->
                oci(module, runtimeConfig != null ? checkedJson(runtimeConfig) : defaultRuntimeConfig(abiVersion));
        };
    }

    private static WasmImage layered(
            ImageVariant variant,
            String manifestType,
            String configType,
            String layerType,
            byte[] module,
            Map<String, String> annotations) {
        byte[] layer = Tar.gzipSingleFile(PLUGIN_FILE, module);
        byte[] uncompressedTar = Tar.gunzip(layer, "the layer just built");
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("architecture", "wasm");
        config.put("os", "wasip1");
        config.put("config", Map.of());
        config.put("rootfs", Map.of("type", "layers", "diff_ids", List.of(Digests.sha256(uncompressedTar))));
        byte[] configBytes = json(config);
        Descriptor configDescriptor = Descriptor.of(configType, configBytes);
        Descriptor layerDescriptor = Descriptor.of(layerType, layer);
        Manifest manifest = Manifest.image(manifestType, configDescriptor, List.of(layerDescriptor), annotations);
        return new WasmImage(
                variant,
                manifest,
                List.of(new WasmImage.Blob(configDescriptor, configBytes), new WasmImage.Blob(layerDescriptor, layer)));
    }

    /**
     * The Wasm artifact spec's two layers, the runtime config and then the module, named as oras names files; Istio's
     * agent refuses an oci image without both. The runtime config is the manifest's config as well.
     */
    private static WasmImage oci(byte[] module, byte[] runtimeConfig) {
        Descriptor configDescriptor = Descriptor.of(MediaTypes.WASM_CONFIG, runtimeConfig);
        Descriptor configLayer = titled(configDescriptor, RUNTIME_CONFIG_FILE);
        Descriptor moduleLayer = titled(Descriptor.of(MediaTypes.WASM_LAYER, module), PLUGIN_FILE);
        Manifest manifest =
                Manifest.image(MediaTypes.OCI_MANIFEST, configDescriptor, List.of(configLayer, moduleLayer), null);
        return new WasmImage(
                ImageVariant.OCI,
                manifest,
                List.of(new WasmImage.Blob(configDescriptor, runtimeConfig), new WasmImage.Blob(moduleLayer, module)));
    }

    private static Descriptor titled(Descriptor descriptor, String title) {
        return new Descriptor(
                descriptor.mediaType(),
                descriptor.digest(),
                descriptor.size(),
                Map.of(MediaTypes.TITLE_ANNOTATION, title));
    }

    /** The shape the Wasm image spec gives {@code runtime-config.json}. */
    private static byte[] defaultRuntimeConfig(String abiVersion) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("type", "envoy_proxy");
        config.put("abiVersions", List.of("v" + abiVersion));
        return json(config);
    }

    private static byte[] checkedJson(byte[] runtimeConfig) {
        try {
            if (!JSON.readTree(runtimeConfig).isObject()) {
                throw new DeployException("runtime-config.json must hold a JSON object");
            }
        } catch (IOException e) {
            throw new DeployException("runtime-config.json is not valid JSON: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        return runtimeConfig;
    }

    private static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps of strings and lists always serialize", e);
        }
    }
}
