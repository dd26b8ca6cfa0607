package dev.wasmesh.host.stream;

import dev.wasmesh.host.abi.AbiException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer for an HTTP body (or a call-out body, or a configuration), with the read and
 * write rules Envoy applies to proxy-wasm buffers. Not thread-safe.
 */
public final class Body {
    private byte[] bytes;
    private int length;

    public Body() {
        this(new byte[0]);
    }

    public Body(byte[] initial) {
        bytes = initial;
        length = initial.length;
    }

    public static Body of(String text) {
        return new Body(text.getBytes(StandardCharsets.UTF_8));
    }

    public int length() {
        return length;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    @Override
    public String toString() {
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    public void append(byte[] data) {
        ensure(length + data.length);
        System.arraycopy(data, 0, bytes, length, data.length);
        length += data.length;
    }

    public void prepend(byte[] data) {
        ensure(length + data.length);
        System.arraycopy(bytes, 0, bytes, data.length, length);
        System.arraycopy(data, 0, bytes, 0, data.length);
        length += data.length;
    }

    public void replace(byte[] data) {
        bytes = Arrays.copyOf(data, data.length);
        length = data.length;
    }

    public void clear() {
        length = 0;
    }

    private void ensure(int capacity) {
        if (capacity > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(capacity, bytes.length * 2));
        }
    }

    /**
     * proxy_get_buffer_bytes as Envoy reads it: {@code start} and {@code maxSize} are unsigned; a size past the end
     * (the SDKs pass 0xFFFFFFFF or 0x7FFFFFFF for "all") is clamped, and a start beyond the end reads nothing.
     */
    public byte[] slice(long start, long maxSize) {
        long s = start & 0xFFFFFFFFL;
        long n = maxSize & 0xFFFFFFFFL;
        if (s >= length) {
            return new byte[0];
        }
        long end = Math.min(length, s + n);
        return Arrays.copyOfRange(bytes, (int) s, (int) end);
    }

    /**
     * proxy_set_buffer_bytes as Envoy does it: a start of 0 drains the first {@code size} bytes (all of them if the
     * size is larger) and prepends {@code data}, so size 0 prepends and a size covering the buffer replaces it; a
     * start at or past the end appends; anything else is BAD_ARGUMENT. So is a result longer than {@code maxLength}:
     * a guest writing again and again must not grow a buffer past what the heap can hold.
     */
    public void write(long start, long size, byte[] data, long maxLength) {
        long s = start & 0xFFFFFFFFL;
        long n = size & 0xFFFFFFFFL;
        long kept = s == 0 ? length - Math.min(n, length) : length;
        if (kept + data.length > maxLength) {
            throw AbiException.BAD_ARGUMENT;
        }
        if (s == 0) {
            drain((int) Math.min(n, length));
            prepend(data);
        } else if (s >= length) {
            append(data);
        } else {
            throw AbiException.BAD_ARGUMENT;
        }
    }

    private void drain(int n) {
        System.arraycopy(bytes, n, bytes, 0, length - n);
        length -= n;
    }
}
