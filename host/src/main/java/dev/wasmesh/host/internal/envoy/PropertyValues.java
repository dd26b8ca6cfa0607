package dev.wasmesh.host.internal.envoy;

import dev.wasmesh.host.abi.AbiException;
import dev.wasmesh.host.stream.Metadata;
import dev.wasmesh.host.stream.NodeInfo;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Structured attributes (xDS metadata, the node) walked and encoded as Envoy's getProperty does with CEL values: a
 * path segment selects a map key, a list index or a message field; the value reached is serialised as strings raw,
 * numbers as 8 little-endian bytes (doubles in IEEE 754), booleans as one byte, maps and lists in the pairs format
 * (a list's items as keys with empty values), messages in their protobuf encoding, and a Struct's null fails
 * ({@code SERIALIZATION_FAILURE}), since Envoy's serializer has no case for it.
 */
public final class PropertyValues {
    private PropertyValues() {}

    /** A protobuf message: its fields by name as CEL sees them (well-known types unwrapped) and its encoding. */
    interface Message {
        /** The field's value, or null if the message has no such field. */
        Object field(String name);

        byte[] encode();
    }

    /** A Struct null value. */
    static final Object NULL = new Object();

    static Message metadata(Metadata m) {
        return new Message() {
            @Override
            public Object field(String name) {
                return name.equals("filter_metadata") ? m.filterMetadata() : null;
            }

            @Override
            public byte[] encode() {
                Proto p = new Proto();
                m.filterMetadata().forEach((ns, struct) -> {
                    Proto entry = new Proto().string(1, ns).message(2, encodeStruct(struct));
                    p.message(1, entry.bytes());
                });
                return p.bytes();
            }
        };
    }

    static Message node(NodeInfo n) {
        Message locality = new Message() {
            @Override
            public Object field(String name) {
                return switch (name) {
                    case "region" -> n.region();
                    case "zone" -> n.zone();
                    case "sub_zone" -> n.subZone();
                    default -> null;
                };
            }

            @Override
            public byte[] encode() {
                return new Proto()
                        .string(1, n.region())
                        .string(2, n.zone())
                        .string(3, n.subZone())
                        .bytes();
            }
        };
        return new Message() {
            @Override
            public Object field(String name) {
                return switch (name) {
                    case "id" -> n.id();
                    case "cluster" -> n.cluster();
                    case "metadata" -> n.metadata();
                    case "locality" -> locality;
                    default -> null;
                };
            }

            @Override
            public byte[] encode() {
                Proto p = new Proto().string(1, n.id()).string(2, n.cluster());
                if (!n.metadata().isEmpty()) {
                    p.message(3, encodeStruct(n.metadata()));
                }
                byte[] loc = locality.encode();
                if (loc.length > 0) {
                    p.message(4, loc);
                }
                return p.bytes();
            }
        };
    }

    /** Walks {@code path} from index {@code from} down from {@code value}; empty if a segment leads nowhere. */
    static Optional<Object> walk(Object value, String[] path, int from) {
        Object v = value;
        for (int i = from; i < path.length; i++) {
            String part = path[i];
            if (v instanceof Map<?, ?> map) {
                if (!map.containsKey(part)) {
                    return Optional.empty();
                }
                v = map.get(part);
                if (v == null) {
                    v = NULL;
                }
            } else if (v instanceof Message msg) {
                v = msg.field(part);
                if (v == null) {
                    return Optional.empty();
                }
            } else if (v instanceof List<?> list) {
                int idx;
                try {
                    idx = Integer.parseInt(part);
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
                if (idx < 0 || idx >= list.size()) {
                    return Optional.empty();
                }
                v = list.get(idx);
                if (v == null) {
                    v = NULL;
                }
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(v);
    }

    /** Envoy's encoding of a value; a Struct null anywhere in it → SERIALIZATION_FAILURE. */
    static byte[] serialize(Object v) {
        if (v instanceof byte[] b) {
            return b;
        }
        if (v instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        if (v instanceof Double d) {
            return ByteBuffer.allocate(8)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putDouble(d)
                    .array();
        }
        if (v instanceof Long l) {
            return Properties.int64(l);
        }
        if (v instanceof Boolean b) {
            return Properties.bool(b);
        }
        if (v instanceof Message m) {
            return m.encode();
        }
        List<byte[][]> pairs = new ArrayList<>();
        if (v instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                Object item = e.getValue() == null ? NULL : e.getValue();
                pairs.add(new byte[][] {serialize(String.valueOf(e.getKey())), serialize(item)});
            }
        } else if (v instanceof List<?> list) {
            for (Object o : list) {
                pairs.add(new byte[][] {serialize(o == null ? NULL : o), new byte[0]});
            }
        } else {
            throw AbiException.SERIALIZATION_FAILURE;
        }
        return pairs(pairs);
    }

    /** The proxy-wasm pairs format: count, then each name and value size, then each name and value NUL-ended. */
    private static byte[] pairs(List<byte[][]> pairs) {
        int size = 4 + 8 * pairs.size();
        for (byte[][] p : pairs) {
            size += p[0].length + p[1].length + 2;
        }
        ByteBuffer buf = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(pairs.size());
        for (byte[][] p : pairs) {
            buf.putInt(p[0].length).putInt(p[1].length);
        }
        for (byte[][] p : pairs) {
            buf.put(p[0]).put((byte) 0).put(p[1]).put((byte) 0);
        }
        return buf.array();
    }

    public static byte[] encodeStruct(Map<String, Object> struct) {
        Proto p = new Proto();
        struct.forEach((k, v) ->
                p.message(1, new Proto().string(1, k).message(2, encodeValue(v)).bytes()));
        return p.bytes();
    }

    @SuppressWarnings("unchecked")
    private static byte[] encodeValue(Object v) {
        Proto p = new Proto();
        if (v == null) {
            p.varint(1, 0);
        } else if (v instanceof Double d) {
            p.fixed64(2, Double.doubleToRawLongBits(d));
        } else if (v instanceof String s) {
            p.field(3, s.getBytes(StandardCharsets.UTF_8));
        } else if (v instanceof Boolean b) {
            p.varint(4, b ? 1 : 0);
        } else if (v instanceof Map<?, ?> m) {
            p.message(5, encodeStruct((Map<String, Object>) m));
        } else if (v instanceof List<?> list) {
            Proto lp = new Proto();
            for (Object o : list) {
                lp.message(1, encodeValue(o));
            }
            p.message(6, lp.bytes());
        }
        return p.bytes();
    }

    /** A protobuf writer for the few messages above. */
    static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto string(int field, String s) {
            return s.isEmpty() ? this : field(field, s.getBytes(StandardCharsets.UTF_8));
        }

        /** A length-delimited field, written even if empty (map entries and oneof members are). */
        Proto field(int field, byte[] b) {
            raw((field << 3) | 2);
            raw(b.length);
            out.writeBytes(b);
            return this;
        }

        Proto message(int field, byte[] encoded) {
            return field(field, encoded);
        }

        Proto varint(int field, long v) {
            raw(field << 3);
            raw(v);
            return this;
        }

        Proto fixed64(int field, long v) {
            raw((field << 3) | 1);
            for (int i = 0; i < 8; i++) {
                out.write((int) (v >>> (8 * i)) & 0xFF);
            }
            return this;
        }

        private void raw(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
