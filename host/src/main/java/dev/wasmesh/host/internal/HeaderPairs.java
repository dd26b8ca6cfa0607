package dev.wasmesh.host.internal;

import dev.wasmesh.host.GuestLimits;
import dev.wasmesh.host.abi.AbiException;
import dev.wasmesh.host.stream.HeaderMap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The proxy-wasm header-map wire format: u32 count, count x (u32 key length, u32 value length), then every
 * key and value followed by a NUL byte, all little-endian. Keys and values are the map's byte strings.
 */
public final class HeaderPairs {
    /** Envoy's caps on a serialised map handed over by the guest. */
    public static final int MAX_PAIRS = GuestLimits.PAIRS_MAX_COUNT;

    public static final int MAX_BYTES = GuestLimits.PAIRS_MAX_BYTES;

    private HeaderPairs() {}

    public static byte[] encode(HeaderMap map) {
        int n = map.size();
        byte[][] names = new byte[n][];
        byte[][] values = new byte[n][];
        int size = 4 + 8 * n;
        for (int i = 0; i < n; i++) {
            names[i] = map.nameAt(i).getBytes(HeaderMap.BYTES);
            values[i] = map.valueAt(i).getBytes(HeaderMap.BYTES);
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

    /**
     * Decodes guest-supplied pairs. 0 bytes or a single NUL is an empty map; anything Envoy's parser would not read
     * exactly (short, over the caps, a missing NUL terminator, bytes left over) is a BAD_ARGUMENT.
     */
    public static HeaderMap decode(byte[] data) {
        HeaderMap map = new HeaderMap();
        if (data.length <= 1) {
            return map;
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
            String name = terminated(data, pos, lengths[2 * i]);
            pos += lengths[2 * i] + 1;
            String value = terminated(data, pos, lengths[2 * i + 1]);
            pos += lengths[2 * i + 1] + 1;
            map.add(name, value);
        }
        if (pos != data.length) {
            throw AbiException.BAD_ARGUMENT;
        }
        return map;
    }

    private static String terminated(byte[] data, int pos, int length) {
        if ((long) pos + length + 1 > data.length || data[pos + length] != 0) {
            throw AbiException.BAD_ARGUMENT;
        }
        return new String(data, pos, length, HeaderMap.BYTES);
    }
}
