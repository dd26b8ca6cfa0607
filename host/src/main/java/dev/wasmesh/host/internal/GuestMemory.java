package dev.wasmesh.host.internal;

import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Memory;
import dev.wasmesh.host.GuestLimits;
import dev.wasmesh.host.abi.AbiException;
import dev.wasmesh.host.abi.Status;
import dev.wasmesh.host.stream.HeaderMap;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * The one place where raw guest pointers are read and written. Every access is bounds-checked against the
 * current memory size, so a bad pointer from the guest becomes INVALID_MEMORY_ACCESS instead of a Java
 * exception. Pointers and lengths are unsigned 32-bit values that arrive as Java longs.
 */
public final class GuestMemory {
    private static final byte[] EMPTY = new byte[0];

    private final Memory memory;
    private final ExportFunction allocator;

    public GuestMemory(Memory memory, ExportFunction allocator) {
        this.memory = memory;
        this.allocator = allocator;
    }

    private int checked(long ptr, long len) {
        long p = ptr & 0xFFFFFFFFL;
        long l = len & 0xFFFFFFFFL;
        long size = (long) memory.pages() * Memory.PAGE_SIZE;
        if (p + l > size) {
            throw AbiException.INVALID_MEMORY_ACCESS;
        }
        return (int) p;
    }

    /** Throws INVALID_MEMORY_ACCESS unless {@code len} bytes at {@code ptr} lie in the guest's memory. */
    public void checkRange(long ptr, long len) {
        checked(ptr, len);
    }

    /**
     * Copies guest bytes into the JVM. More than {@link GuestLimits#HOST_CALL_MAX_BYTES} at once is BAD_ARGUMENT: a
     * guest with a large memory must not make one host call allocate a gigabyte of heap.
     */
    public byte[] read(long ptr, long len) {
        int p = checked(ptr, len);
        int l = length(len);
        return l == 0 ? EMPTY : memory.readBytes(p, l);
    }

    // The length of a read, which more than HOST_CALL_MAX_BYTES makes BAD_ARGUMENT.
    private static int length(long len) {
        if ((len & 0xFFFFFFFFL) > GuestLimits.HOST_CALL_MAX_BYTES) {
            throw AbiException.BAD_ARGUMENT;
        }
        return (int) (len & 0xFFFFFFFFL);
    }

    // Decoded where the bytes are: the host's memory makes the string with one copy, where reading the bytes out
    // first took two.
    private String decode(long ptr, long len, Charset charset) {
        int p = checked(ptr, len);
        int l = length(len);
        return l == 0 ? "" : memory.readString(p, l, charset);
    }

    public String readString(long ptr, long len) {
        return decode(ptr, len, StandardCharsets.UTF_8);
    }

    /** Guest bytes as a header map's byte string ({@link HeaderMap#BYTES}), unchanged whatever their encoding. */
    public String readByteString(long ptr, long len) {
        return decode(ptr, len, HeaderMap.BYTES);
    }

    public int readU32AsInt(long ptr) {
        return memory.readInt(checked(ptr, 4));
    }

    public void write(long ptr, byte[] data) {
        memory.write(checked(ptr, data.length), data);
    }

    public void writeU32(long ptr, int value) {
        memory.writeI32(checked(ptr, 4), value);
    }

    public void writeU64(long ptr, long value) {
        memory.writeLong(checked(ptr, 8), value);
    }

    public void writeByte(long ptr, byte value) {
        memory.writeByte(checked(ptr, 1), value);
    }

    public void writeU16(long ptr, short value) {
        memory.writeShort(checked(ptr, 2), value);
    }

    /** Copies {@code data} into guest memory obtained from the module's allocator. */
    public int allocate(byte[] data) {
        if (allocator == null) {
            throw new AbiException(Status.INTERNAL_FAILURE);
        }
        long ptr = allocator.apply(data.length)[0] & 0xFFFFFFFFL;
        if (ptr == 0 && data.length > 0) {
            throw new AbiException(Status.INTERNAL_FAILURE);
        }
        write(ptr, data);
        return (int) ptr;
    }

    /**
     * Hands {@code data} to the guest: allocates, copies, and stores pointer and length in the two out-parameters.
     * An empty result writes zero to both without allocating, as the SDKs expect.
     */
    public void returnBytes(byte[] data, long ptrPtr, long sizePtr) {
        // Validate the out-parameters before allocating so a bad pointer does not leak guest memory.
        checked(ptrPtr, 4);
        checked(sizePtr, 4);
        int ptr = data.length == 0 ? 0 : allocate(data);
        writeU32(ptrPtr, ptr);
        writeU32(sizePtr, data.length);
    }

    public void returnString(String s, long ptrPtr, long sizePtr) {
        returnBytes(s.getBytes(StandardCharsets.UTF_8), ptrPtr, sizePtr);
    }

    /** Hands a header map's byte string to the guest as its bytes. */
    public void returnByteString(String s, long ptrPtr, long sizePtr) {
        returnBytes(s.getBytes(HeaderMap.BYTES), ptrPtr, sizePtr);
    }
}
