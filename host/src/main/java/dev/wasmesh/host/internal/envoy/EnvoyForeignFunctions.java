package dev.wasmesh.host.internal.envoy;

import dev.wasmesh.host.Context;
import dev.wasmesh.host.GuestAccess;
import dev.wasmesh.host.GuestLimits;
import dev.wasmesh.host.HostEnvironment;
import dev.wasmesh.host.abi.AbiException;
import dev.wasmesh.host.stream.StreamInfo;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The foreign functions Envoy registers for every filter, written after their behaviour there: {@code compress} and
 * {@code uncompress} (zlib format), {@code clear_route_cache}, {@code declare_property},
 * {@code set_envoy_filter_state}, {@code sign} and {@code verify_signature}. Envoy's CEL functions
 * ({@code expr_create}, {@code expr_evaluate}, {@code expr_delete}) are not registered, so they answer NOT_FOUND, as
 * in an Envoy built without its CEL parser.
 */
public final class EnvoyForeignFunctions {
    private EnvoyForeignFunctions() {}

    public static void registerAll(HostEnvironment env) {
        env.registerForeignFunction("compress", (args, caller) -> compress(args));
        env.registerForeignFunction("uncompress", (args, caller) -> uncompress(args));
        env.registerForeignFunction("clear_route_cache", (args, caller) -> {
            StreamInfo info = GuestAccess.streamInfo(caller);
            if (info != null) {
                info.clearRoute();
            }
            return new byte[0];
        });
        env.registerForeignFunction("declare_property", EnvoyForeignFunctions::declareProperty);
        env.registerForeignFunction("verify_signature", (args, caller) -> EnvoySignatures.verify(args));
        env.registerForeignFunction("sign", (args, caller) -> EnvoySignatures.sign(args));
        env.registerForeignFunction("set_envoy_filter_state", (args, caller) -> {
            ProtoReader.Fields f = ProtoReader.read(args); // SetEnvoyFilterStateArguments: path, value, span
            f.string(1);
            f.bytes(2);
            // Envoy sets only keys for which an object factory is registered (the TCP proxy's cluster, upstream
            // server name, ...); wasmesh runs none of the extensions that read them.
            throw AbiException.NOT_FOUND;
        });
    }

    /** zlib's compress(): the zlib format at the default level. */
    static byte[] compress(byte[] in) {
        Deflater d = new Deflater();
        try {
            d.setInput(in);
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(in.length / 2 + 16);
            byte[] buf = new byte[8192];
            while (!d.finished()) {
                out.write(buf, 0, d.deflate(buf));
            }
            return out.toByteArray();
        } finally {
            d.end();
        }
    }

    /**
     * zlib's uncompress(): anything but one complete zlib stream (truncated, corrupt, needing a dictionary) →
     * SERIALIZATION_FAILURE, as in Envoy; bytes after the stream are ignored. The output is bounded by the host-call
     * limit (BAD_ARGUMENT beyond it), where Envoy has none.
     */
    static byte[] uncompress(byte[] in) {
        Inflater inf = new Inflater();
        try {
            inf.setInput(in);
            ByteArrayOutputStream out = new ByteArrayOutputStream(in.length * 2 + 2);
            byte[] buf = new byte[8192];
            while (!inf.finished()) {
                int n = inf.inflate(buf);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    throw AbiException.SERIALIZATION_FAILURE;
                }
                out.write(buf, 0, n);
                if (out.size() > GuestLimits.HOST_CALL_MAX_BYTES) {
                    throw AbiException.BAD_ARGUMENT;
                }
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw AbiException.SERIALIZATION_FAILURE;
        } finally {
            inf.end();
        }
    }

    /**
     * DeclarePropertyArguments (name 1, readonly 2, type 3, schema 4, span 5): the plugin's root context remembers
     * the name, and a read-only property takes one proxy_set_property per stream (a second → BAD_ARGUMENT). Values
     * stay bytes whatever the declared type.
     */
    private static byte[] declareProperty(byte[] args, Context caller) {
        ProtoReader.Fields f = ProtoReader.read(args);
        String name = f.string(1);
        boolean readonly = f.varint(2) != 0;
        f.varint(3);
        f.bytes(4);
        f.varint(5);
        GuestAccess.declareProperty(caller.rootContext(), name, readonly);
        return new byte[0];
    }

    /** A minimal protobuf reader for the argument messages above: malformed input → BAD_ARGUMENT. */
    public static final class ProtoReader {
        private ProtoReader() {}

        public static final class Fields {
            private final Map<Integer, Object> last = new HashMap<>();

            String string(int field) {
                return new String(bytes(field), StandardCharsets.UTF_8);
            }

            public byte[] bytes(int field) {
                Object v = last.get(field);
                if (v == null) {
                    return new byte[0];
                }
                if (!(v instanceof byte[] b)) {
                    throw AbiException.BAD_ARGUMENT;
                }
                return b;
            }

            long varint(int field) {
                Object v = last.get(field);
                if (v == null) {
                    return 0;
                }
                if (!(v instanceof Long l)) {
                    throw AbiException.BAD_ARGUMENT;
                }
                return l;
            }
        }

        public static Fields read(byte[] in) {
            Fields f = new Fields();
            int[] pos = {0};
            while (pos[0] < in.length) {
                long tag = varint(in, pos);
                int field = (int) (tag >>> 3);
                if (field == 0) {
                    throw AbiException.BAD_ARGUMENT;
                }
                switch ((int) (tag & 7)) {
                    case 0 -> f.last.put(field, varint(in, pos));
                    case 1 -> skip(in, pos, 8);
                    case 5 -> skip(in, pos, 4);
                    case 2 -> {
                        long len = varint(in, pos);
                        if (len < 0 || len > in.length - pos[0]) {
                            throw AbiException.BAD_ARGUMENT;
                        }
                        byte[] b = Arrays.copyOfRange(in, pos[0], pos[0] + (int) len);
                        pos[0] += (int) len;
                        f.last.put(field, b);
                    }
                    default -> throw AbiException.BAD_ARGUMENT;
                }
            }
            return f;
        }

        private static void skip(byte[] in, int[] pos, int n) {
            if (in.length - pos[0] < n) {
                throw AbiException.BAD_ARGUMENT;
            }
            pos[0] += n;
        }

        private static long varint(byte[] in, int[] pos) {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos[0] >= in.length) {
                    throw AbiException.BAD_ARGUMENT;
                }
                byte b = in[pos[0]++];
                v |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return v;
                }
            }
            throw AbiException.BAD_ARGUMENT;
        }
    }
}
