package dev.wasmesh.proxy.envoy;

import dev.wasmesh.config.ConfigException;
import dev.wasmesh.config.ConfigMap;
import dev.wasmesh.config.ConfigValue;
import java.util.List;

/**
 * The extension types wasmesh knows, and how Envoy finds an extension's type: its {@code typed_config}'s
 * {@code @type}, looking inside a {@code TypedStruct}.
 */
final class Extensions {
    static final String HCM = "envoy.filters.network.http_connection_manager";
    /** The network filter's name before Envoy 1.14, still in many example configurations. */
    static final String LEGACY_HCM = "envoy.http_connection_manager";

    static final String HCM_TYPE = "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
    static final String WASM_TYPE = "envoy.extensions.filters.http.wasm.v3.Wasm";
    static final String ROUTER_TYPE = "envoy.extensions.filters.http.router.v3.Router";
    static final String WASM_SERVICE_TYPE = "envoy.extensions.wasm.v3.WasmService";
    static final String NETWORK_WASM_TYPE = "envoy.extensions.filters.network.wasm.v3.Wasm";
    static final String TCP_PROXY_TYPE = "envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy";
    static final String TCP_PROXY = "envoy.filters.network.tcp_proxy";
    static final String WASM_ACCESS_LOG_TYPE = "envoy.extensions.access_loggers.wasm.v3.WasmAccessLog";
    static final String STRING_VALUE = "type.googleapis.com/google.protobuf.StringValue";
    static final String BYTES_VALUE = "type.googleapis.com/google.protobuf.BytesValue";
    static final String HTTP_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";
    /** The wrappers Envoy unpacks to find an extension's type: {@code type_url} plus the config as {@code value}. */
    static final List<String> TYPED_STRUCTS = List.of("udpa.type.v1.TypedStruct", "xds.type.v3.TypedStruct");

    private Extensions() {}

    /** An extension's typed_config: its type's full name, and its fields (a TypedStruct's {@code value}). */
    record Typed(String type, ConfigMap body) {}

    static Typed typed(ConfigMap parent, String key) throws ConfigException {
        ConfigMap any = parent.map(key);
        String type = typeName(any.requireString("@type"));
        if (!TYPED_STRUCTS.contains(type)) {
            return new Typed(type, any);
        }
        String inner = typeName(any.requireString("type_url"));
        ConfigMap value = any.mapOrEmpty("value");
        any.done();
        return new Typed(inner, value);
    }

    /** Whether there is a typed_config with a type: Envoy looks an empty one ({@code typed_config: {}}) up by name. */
    static boolean hasType(ConfigMap parent) throws ConfigException {
        ConfigValue v = parent.get("typed_config");
        return v != null && v.isMap() && !v.asMap().keys().isEmpty();
    }

    /** The type of a typed_config, or null if it has none (without reading anything else). */
    static String typeOf(ConfigMap parent) throws ConfigException {
        if (!hasType(parent)) {
            return null;
        }
        ConfigMap any = parent.map("typed_config");
        ConfigValue type = any.get("@type");
        if (type == null || !type.isScalar()) {
            return null;
        }
        String name = typeName(type.asString());
        ConfigValue url = TYPED_STRUCTS.contains(name) ? any.get("type_url") : null;
        return url == null || !url.isScalar() ? name : typeName(url.asString());
    }

    /** A type URL's message name: what follows its last '/', as protobuf reads an Any. */
    static String typeName(String typeUrl) {
        return typeUrl.substring(typeUrl.lastIndexOf('/') + 1);
    }

    /** The typed_config's {@code @type} must be {@code expected}. */
    static void expectType(ConfigMap typed, String expected) throws ConfigException {
        String t = typed.string("@type", null);
        if (t == null) {
            throw typed.error("@type", "required (" + expected + ")");
        }
        if (!t.equals(expected)) {
            throw typed.error("@type", "wasmesh supports " + expected + " here, not " + t);
        }
    }
}
