package dev.wasmesh.proxy.envoy;

import dev.wasmesh.config.ConfigException;
import dev.wasmesh.config.ConfigMap;
import dev.wasmesh.config.ConfigValue;
import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.host.stream.Metadata;
import dev.wasmesh.proxy.config.Endpoint;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Messages of {@code config.core.v3} that every part of the bootstrap uses: addresses, metadata, enums. */
final class CoreFields {
    private CoreFields() {}

    /** A protobuf enum value by name; Envoy reads the names of its YAML case-insensitively. */
    static String enumName(ConfigMap m, String key, String dflt) throws ConfigException {
        String s = m.string(key, dflt);
        return s == null ? null : s.toUpperCase(Locale.ROOT);
    }

    /** An {@code Address} with a TCP {@code socket_address}. */
    static Endpoint socketAddress(ConfigMap address) throws ConfigException {
        ConfigMap sa = address.map("socket_address");
        String protocol = sa.string("protocol", "TCP");
        if (!protocol.equals("TCP")) {
            throw sa.error("protocol", "only TCP is supported");
        }
        Endpoint ep = new Endpoint(sa.requireString("address"), sa.intValue("port_value", 0));
        sa.done();
        address.done();
        return ep;
    }

    /** A {@code metadata} field (config.core.v3.Metadata): its filter_metadata. */
    static Metadata metadata(ConfigMap parent) throws ConfigException {
        ConfigMap md = parent.optMap("metadata");
        if (md == null) {
            return Metadata.EMPTY;
        }
        ConfigMap fm = md.optMap("filter_metadata");
        md.done();
        if (fm == null) {
            return Metadata.EMPTY;
        }
        Map<String, Map<?, ?>> namespaces = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> e : fm.entries().entrySet()) {
            namespaces.put(e.getKey(), e.getValue().asMap().toPlain());
        }
        try {
            return Metadata.of(namespaces);
        } catch (IllegalArgumentException e) {
            throw fm.error(e.getMessage());
        }
    }

    /** Config text as the byte string a request carries it in (UTF-8), for matching header values and paths. */
    static String wire(String text) {
        return text == null ? null : HeaderMap.utf8(text);
    }
}
