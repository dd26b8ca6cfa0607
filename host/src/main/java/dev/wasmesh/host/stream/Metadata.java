package dev.wasmesh.host.stream;

import dev.wasmesh.host.internal.envoy.PropertyValues;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Envoy's {@code config.core.v3.Metadata} as filters read it: {@code filter_metadata}, one
 * {@code google.protobuf.Struct} per namespace. Struct values are normalised as protobuf has them: numbers are
 * doubles, and only strings, booleans, null, lists and nested structs remain.
 */
public final class Metadata {
    public static final Metadata EMPTY = new Metadata(Map.of());

    private final Map<String, Map<String, Object>> filterMetadata;

    private Metadata(Map<String, Map<String, Object>> filterMetadata) {
        this.filterMetadata = filterMetadata;
    }

    /**
     * @param filterMetadata namespace to struct, as read from YAML or JSON
     * @throws IllegalArgumentException for a value a Struct cannot hold
     */
    public static Metadata of(Map<String, ? extends Map<?, ?>> filterMetadata) {
        if (filterMetadata.isEmpty()) {
            return EMPTY;
        }
        Map<String, Map<String, Object>> m = new LinkedHashMap<>();
        filterMetadata.forEach((ns, struct) -> m.put(ns, struct(struct)));
        return new Metadata(Collections.unmodifiableMap(m));
    }

    public Map<String, Map<String, Object>> filterMetadata() {
        return filterMetadata;
    }

    public boolean isEmpty() {
        return filterMetadata.isEmpty();
    }

    /** A Struct's fields, normalised (see the class comment). */
    public static Map<String, Object> struct(Map<?, ?> fields) {
        Map<String, Object> out = new LinkedHashMap<>();
        fields.forEach((k, v) -> out.put(String.valueOf(k), value(v)));
        return Collections.unmodifiableMap(out);
    }

    /** A Struct's protobuf encoding ({@code google.protobuf.Struct}), its fields normalised first. */
    public static byte[] structBytes(Map<?, ?> fields) {
        return PropertyValues.encodeStruct(struct(fields));
    }

    private static Object value(Object v) {
        if (v == null || v instanceof String || v instanceof Boolean) {
            return v;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof Map<?, ?> map) {
            return struct(map);
        }
        if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (Object o : list) {
                out.add(value(o));
            }
            return Collections.unmodifiableList(out);
        }
        throw new IllegalArgumentException("a Struct holds no " + v.getClass().getSimpleName() + " (" + v + ")");
    }
}
