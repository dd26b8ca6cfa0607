package dev.wasmesh.proxy.envoy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wasmesh.config.ConfigException;
import dev.wasmesh.config.ConfigMap;
import dev.wasmesh.config.ConfigValue;
import dev.wasmesh.host.FailurePolicy;
import dev.wasmesh.host.PluginConfig;
import dev.wasmesh.host.stream.Metadata;
import dev.wasmesh.proxy.config.FilterConfig;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@code PluginConfig} of the wasm extensions (http filter, network filter, wasm service): its VM, code, plugin
 * and VM configuration, failure policy.
 */
final class WasmReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ReadContext ctx;

    WasmReader(ReadContext ctx) {
        this.ctx = ctx;
    }

    FilterConfig wasm(ConfigMap c, String filterName) throws ConfigException {
        PluginConfig.Builder b = PluginConfig.builder().logLevel(ctx.logLevel());
        b.name(c.string("name", filterName));
        b.rootId(c.string("root_id", ""));
        b.pluginConfiguration(any(c, "configuration"));
        boolean failOpen = c.bool("fail_open", false);
        String policy = c.string("failure_policy", null);
        b.failurePolicy(
                policy != null && !policy.equals("UNSPECIFIED")
                        ? parsePolicy(c, policy)
                        : failOpen ? FailurePolicy.FAIL_OPEN : FailurePolicy.FAIL_CLOSED);
        ConfigMap vm = c.map("vm_config");
        b.vmId(vm.string("vm_id", ""));
        vm.requireString("runtime"); // any runtime name: wasmesh always runs the module on Chicory
        ctx.notice(vm, "allow_precompiled", "wasmesh compiles each module itself and keeps it in its code cache");
        if (c.bool("allow_on_headers_stop_iteration", false)) {
            throw c.error(
                    "allow_on_headers_stop_iteration",
                    "not supported: wasmesh turns StopIteration from a headers callback into"
                            + " StopAllIterationAndWatermark, as Envoy does by default");
        }
        b.vmConfiguration(any(vm, "configuration"));
        ConfigMap envVars = vm.optMap("environment_variables");
        if (envVars != null) {
            Map<String, String> env = new LinkedHashMap<>();
            for (String key : envVars.strings("host_env_keys")) {
                String v = System.getenv(key);
                if (v != null) {
                    env.put(key, v);
                }
            }
            ConfigMap kv = envVars.optMap("key_values");
            if (kv != null) {
                env.putAll(kv.value().asStringMap());
            }
            envVars.done();
            b.environment(env);
        }
        FilterConfig fc = code(vm.map("code"), b.build());
        vm.done();
        c.done();
        return fc;
    }

    private static FailurePolicy parsePolicy(ConfigMap c, String policy) throws ConfigException {
        try {
            return FailurePolicy.parse(policy);
        } catch (IllegalArgumentException e) {
            throw c.error("failure_policy", e.getMessage());
        }
    }

    private FilterConfig code(ConfigMap code, PluginConfig plugin) throws ConfigException {
        ConfigMap local = code.optMap("local");
        if (local == null) {
            throw code.error("only code.local is supported (remote code: use wasmesh run with an http(s):// or"
                    + " oci:// FILTER)");
        }
        code.done();
        String file = local.string("filename", null);
        String inlineBytes = local.string("inline_bytes", null);
        String inlineString = local.string("inline_string", null);
        local.done();
        if (file != null) {
            return FilterConfig.at(ctx.resolve(file).toString(), null, plugin);
        }
        if (inlineBytes != null) {
            try {
                return FilterConfig.inline(
                        local.child("inline_bytes"), Base64.getDecoder().decode(inlineBytes), plugin);
            } catch (IllegalArgumentException e) {
                throw local.error("inline_bytes", "not valid base64");
            }
        }
        if (inlineString != null) {
            return FilterConfig.inline(
                    local.child("inline_string"), inlineString.getBytes(StandardCharsets.ISO_8859_1), plugin);
        }
        throw local.error("needs filename, inline_bytes or inline_string");
    }

    /**
     * An {@code Any} configuration: StringValue's {@code value} as is, BytesValue's decoded, a Struct in its
     * protobuf encoding (as Envoy); other message types are handed over as the JSON of their fields (Envoy would
     * hand over their protobuf encoding).
     */
    private static byte[] any(ConfigMap parent, String key) throws ConfigException {
        ConfigValue raw = parent.optional(key).orElse(null);
        if (raw == null) {
            return new byte[0];
        }
        if (raw.isScalar()) {
            throw parent.error(
                    key, "expected an Any such as {\"@type\": \"" + Extensions.STRING_VALUE + "\", value: ...}");
        }
        ConfigMap any = raw.asMap();
        String type = any.requireString("@type");
        if (type.equals(Extensions.STRING_VALUE) || type.equals(Extensions.BYTES_VALUE)) {
            String value = any.string("value", "");
            any.done();
            if (type.equals(Extensions.STRING_VALUE)) {
                return value.getBytes(StandardCharsets.UTF_8);
            }
            try {
                return Base64.getDecoder().decode(value);
            } catch (IllegalArgumentException e) {
                throw any.error("value", "not valid base64");
            }
        }
        if (Extensions.typeName(type).equals("google.protobuf.Struct")) {
            // A Struct's JSON form is its fields under "value"; Envoy hands over its protobuf encoding.
            ConfigMap value = any.optMap("value");
            any.done();
            try {
                return Metadata.structBytes(value == null ? Map.of() : value.toPlain());
            } catch (IllegalArgumentException e) {
                throw any.error("value", e.getMessage());
            }
        }
        any.acceptAll();
        Map<Object, Object> fields = new LinkedHashMap<>(any.toPlain());
        fields.remove("@type");
        return json(fields).getBytes(StandardCharsets.UTF_8);
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }
}
