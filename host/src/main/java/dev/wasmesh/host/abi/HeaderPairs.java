package dev.wasmesh.host.abi;

import dev.wasmesh.host.HeaderMap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The proxy-wasm header-map wire format: u32 count, count x (u32 key length, u32 value length), then every
 * key and value followed by a NUL byte, all little-endian.
 */
public final class HeaderPairs {
    /** Envoy's caps on a serialised map handed over by the guest. */
    public static final int MAX_PAIRS = 1024;
    public static final int MAX_BYTES = 1024 * 1024;

    private HeaderPairs() {}

    public static byte[] encode(HeaderMap map) {
        int n = map.size();
        byte[][] names = new byte[n][];
        byte[][] values = new byte[n][];
        int size = 4 + 8 * n;
        for (int i = 0; i < n; i++) {
            names[i] = map.nameAt(i).getBytes(StandardCharsets.UTF_8);
            values[i] = map.valueAt(i).getBytes(StandardCharsets.UTF_8);
            size += names[i].length + values[i].length + 2;
        }
        ByteBuffer buf = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(n);
        for (int i = 0; i < n; i++) {
            buf.putInt(names[i].length).putInt(values[i].length);
        }
        for (int i = 0; i < n; i++) {
            buf.put(names[i]).put((byte) 0).put(values[i]).put((byte) 0);
        }
        return buf.array();
    }

    /** Decodes guest-supplied pairs; malformed or oversized input is a BAD_ARGUMENT. */
    public static HeaderMap decode(byte[] data) {
        HeaderMap map = new HeaderMap();
        if (data.length <= 1) {
            return map; // an empty map may be sent as 0 bytes or a single NUL
        }
        if (data.length > MAX_BYTES || data.length < 4) {
            throw AbiException.BAD_ARGUMENT;
        }
        ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        long n = buf.getInt() & 0xFFFFFFFFL;
        if (n > MAX_PAIRS || 4 + 8 * n > data.length) {
            throw AbiException.BAD_ARGUMENT;
        }
        int[] lengths = new int[(int) n * 2];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = buf.getInt();
            if (lengths[i] < 0) {
                throw AbiException.BAD_ARGUMENT;
            }
        }
        int pos = buf.position();
        for (int i = 0; i < n; i++) {
            int kl = lengths[2 * i];
            int vl = lengths[2 * i + 1];
            if ((long) pos + kl + vl + 2 > data.length) {
                throw AbiException.BAD_ARGUMENT;
            }
            String name = new String(data, pos, kl, StandardCharsets.UTF_8);
            pos += kl + 1;
            String value = new String(data, pos, vl, StandardCharsets.UTF_8);
            pos += vl + 1;
            map.add(name, value);
        }
        return map;
    }
}
