package dev.wasmesh.host.internal;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.ConstantEvaluators;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.TrapException;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.UninstantiableException;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.PassiveDataSegment;
import dev.wasmesh.host.GuestMemoryBudget;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A VM's linear memory: one flat byte array, with every page reserved from a {@link GuestMemoryBudget} before it is
 * allocated. Flat rather than Chicory's {@code ByteArrayMemory}, which keeps 64 KiB pages: a load or store is then one
 * bounds check on one array instead of a page lookup and two checks, and Go filters (whose stack lives in linear
 * memory) spend most of their time in loads and stores. Growing copies the array once; a memory never exceeds
 * Chicory's limit of 32 767 pages, which fits one array. The pages go back to the budget when the VM is closed, or
 * else when it is collected. A VM runs on one thread at a time; the atomic operations (threads proposal) hold the
 * memory's lock, which is all a single-threaded guest needs.
 *
 * <p>Longer than 500 lines on purpose: Chicory's {@code Memory} interface has a method for every width and kind of
 * access (loads, stores, atomics, bulk copies and fills, data segments, about seventy in all), and every guest load
 * and store calls one of them. They stay in this one final class, the only {@code Memory} a VM gets, so that the
 * calls from compiled guest code stay monomorphic and inline; a split would put a hop on every access.
 */
public final class BudgetedMemory implements Memory {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final VarHandle SHORTS =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle FLOATS =
            MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle DOUBLES =
            MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);
    private static final DataSegment[] NO_SEGMENTS = new DataSegment[0];

    private final MemoryLimits limits;
    private final int maximumPages;
    private final Reservation reservation;
    private final Cleaner.Cleanable cleanable;
    private byte[] bytes;
    // The instance's data segments: it drops one (data.drop) by replacing it in this array.
    private DataSegment[] segments = NO_SEGMENTS;

    /** The pages one memory took from the budget, given back once. */
    private static final class Reservation implements Runnable {
        final GuestMemoryBudget budget;
        final AtomicLong bytes = new AtomicLong();

        Reservation(GuestMemoryBudget budget) {
            this.budget = budget;
        }

        @Override
        public void run() {
            budget.release(bytes.getAndSet(0));
        }
    }

    /** @throws ChicoryException if the budget cannot hold the memory's initial pages */
    public BudgetedMemory(MemoryLimits limits, GuestMemoryBudget budget) {
        this.limits = limits;
        this.maximumPages = Math.min(limits.maximumPages(), RUNTIME_MAX_PAGES);
        if (limits.initialPages() > maximumPages) {
            throw new ChicoryException("the module's initial memory of " + limits.initialPages()
                    + " pages is over the limit of " + maximumPages);
        }
        this.reservation = new Reservation(budget);
        long initial = (long) limits.initialPages() * PAGE_SIZE;
        if (!budget.tryReserve(initial)) {
            throw new ChicoryException("the module's initial memory of " + limits.initialPages()
                    + " pages does not fit in the guest memory budget (" + (budget.limit() >> 20) + " MiB, "
                    + (budget.used() >> 20) + " MiB in use)");
        }
        reservation.bytes.set(initial);
        this.cleanable = CLEANER.register(this, reservation);
        this.bytes = new byte[(int) initial];
    }

    /** Gives the pages back to the budget now; the memory must not be used after this. */
    public void release() {
        cleanable.clean();
    }

    private WasmRuntimeException outOfBounds(long addr, long size) {
        return new WasmRuntimeException("out of bounds memory access: attempted to access address: " + addr
                + " but limit is: " + bytes.length + " and size: " + size);
    }

    // Whether [addr, addr + size) lies outside the memory; addr and size are unsigned.
    private boolean outside(int addr, int size) {
        return Integer.toUnsignedLong(addr) + Integer.toUnsignedLong(size) > bytes.length;
    }

    @Override
    public int grow(int pages) {
        int before = pages();
        if (pages < 0 || (long) before + pages > maximumPages) {
            return -1;
        }
        if (pages == 0) {
            return before;
        }
        long size = (long) pages * PAGE_SIZE;
        if (!reservation.budget.tryReserve(size)) {
            return -1;
        }
        // The callback deadline covers a large growth: its interrupt, during the allocation or before it, undoes it.
        byte[] grown =
                Thread.currentThread().isInterrupted() ? null : Arrays.copyOf(bytes, (int) (bytes.length + size));
        if (grown == null || Thread.currentThread().isInterrupted()) {
            reservation.budget.release(size);
            throw new ChicoryInterruptedException("memory.grow interrupted");
        }
        reservation.bytes.addAndGet(size);
        bytes = grown;
        return before;
    }

    @Override
    public int pages() {
        return bytes.length / PAGE_SIZE;
    }

    @Override
    public int initialPages() {
        return limits.initialPages();
    }

    @Override
    public int maximumPages() {
        return maximumPages;
    }

    @Override
    public boolean shared() {
        return limits.shared();
    }

    @Override
    public void initialize(Instance instance, DataSegment[] dataSegments) {
        initialize(instance, dataSegments, 0);
    }

    @Override
    public void initialize(Instance instance, DataSegment[] dataSegments, int memoryIndex) {
        if (dataSegments == null) {
            return;
        }
        segments = dataSegments;
        for (DataSegment segment : dataSegments) {
            if (segment instanceof ActiveDataSegment) {
                ActiveDataSegment active = (ActiveDataSegment) segment;
                if (active.index() != memoryIndex) {
                    continue;
                }
                int offset = (int) ConstantEvaluators.computeConstantValue(instance, active.offsetInstructions())[0];
                byte[] data = active.data();
                if (outside(offset, data.length)) {
                    throw new UninstantiableException("data segment does not fit: out of bounds memory access");
                }
                System.arraycopy(data, 0, bytes, offset, data.length);
            }
        }
    }

    @Override
    public void initPassiveSegment(int segment, int dest, int offset, int length) {
        // An active segment counts as dropped once the instance has started, as the spec has it.
        DataSegment source = segments[segment];
        byte[] data = source instanceof ActiveDataSegment ? new byte[0] : source.data();
        if (Integer.toUnsignedLong(offset) + Integer.toUnsignedLong(length) > data.length || outside(dest, length)) {
            throw outOfBounds(dest, length);
        }
        System.arraycopy(data, offset, bytes, dest, length);
    }

    @Override
    public void drop(int segment) {
        segments[segment] = PassiveDataSegment.EMPTY;
    }

    @Override
    public void write(int addr, byte[] data, int offset, int length) {
        if (outside(addr, length)) {
            throw outOfBounds(addr, length);
        }
        System.arraycopy(data, offset, bytes, addr, length);
    }

    @Override
    public byte read(int addr) {
        try {
            return bytes[addr];
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 1);
        }
    }

    @Override
    public byte[] readBytes(int addr, int length) {
        if (outside(addr, length)) {
            throw outOfBounds(addr, length);
        }
        return Arrays.copyOfRange(bytes, addr, addr + length);
    }

    @Override
    public String readString(int addr, int length, Charset charset) {
        if (outside(addr, length)) {
            throw outOfBounds(addr, length);
        }
        return new String(bytes, addr, length, charset);
    }

    @Override
    public void writeByte(int addr, byte value) {
        try {
            bytes[addr] = value;
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 1);
        }
    }

    @Override
    public void writeShort(int addr, short value) {
        try {
            SHORTS.set(bytes, addr, value);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 2);
        }
    }

    @Override
    public short readShort(int addr) {
        try {
            return (short) SHORTS.get(bytes, addr);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 2);
        }
    }

    @Override
    public long readU16(int addr) {
        return readShort(addr) & 0xFFFFL;
    }

    @Override
    public void writeI32(int addr, int value) {
        try {
            INTS.set(bytes, addr, value);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 4);
        }
    }

    @Override
    public int readInt(int addr) {
        try {
            return (int) INTS.get(bytes, addr);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 4);
        }
    }

    @Override
    public void writeLong(int addr, long value) {
        try {
            LONGS.set(bytes, addr, value);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 8);
        }
    }

    @Override
    public long readLong(int addr) {
        try {
            return (long) LONGS.get(bytes, addr);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 8);
        }
    }

    @Override
    public void writeF32(int addr, float value) {
        try {
            FLOATS.set(bytes, addr, value);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 4);
        }
    }

    @Override
    public long readF32(int addr) {
        return readInt(addr);
    }

    @Override
    public float readFloat(int addr) {
        try {
            return (float) FLOATS.get(bytes, addr);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 4);
        }
    }

    @Override
    public void writeF64(int addr, double value) {
        try {
            DOUBLES.set(bytes, addr, value);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 8);
        }
    }

    @Override
    public double readDouble(int addr) {
        try {
            return (double) DOUBLES.get(bytes, addr);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(addr, 8);
        }
    }

    @Override
    public long readF64(int addr) {
        return readLong(addr);
    }

    @Override
    public void zero() {
        Arrays.fill(bytes, (byte) 0);
    }

    @Override
    public void fill(byte value, int fromAddr, int toAddr) {
        if (fromAddr < 0 || toAddr < fromAddr || toAddr > bytes.length) {
            throw outOfBounds(fromAddr, Integer.toUnsignedLong(toAddr - fromAddr));
        }
        Arrays.fill(bytes, fromAddr, toAddr, value);
    }

    @Override
    public void copy(int dest, int src, int length) {
        if (outside(src, length) || outside(dest, length)) {
            throw outOfBounds(Math.max(Integer.toUnsignedLong(dest), Integer.toUnsignedLong(src)), length);
        }
        System.arraycopy(bytes, src, bytes, dest, length);
    }

    // Atomics (threads proposal). One thread runs a VM at a time, so holding this memory's lock is enough; the
    // aligned-access checks of the proposal trap as they would in Chicory's memory.

    private int aligned(int addr, int size) {
        if ((addr & (size - 1)) != 0) {
            throw new TrapException("unaligned atomic");
        }
        if (outside(addr, size)) {
            throw outOfBounds(addr, size);
        }
        return addr;
    }

    // lock, waitOn and notify are abstract in Chicory 1.7's Memory though deprecated for removal: they must be
    // implemented until Chicory drops them.
    @Override
    @SuppressWarnings("removal")
    public Object lock(int addr) {
        return this;
    }

    @Override
    public synchronized void atomicFence() {
        VarHandle.fullFence();
    }

    @Override
    @SuppressWarnings("removal")
    public int waitOn(int addr, int expected, long timeout) {
        return waitOn(readInt(aligned(addr, 4)) == expected, timeout);
    }

    @Override
    @SuppressWarnings("removal")
    public int waitOn(int addr, long expected, long timeout) {
        return waitOn(readLong(aligned(addr, 8)) == expected, timeout);
    }

    // memory.atomic.wait: 1 when the value differs, else 2 after the timeout, since no other thread runs this VM to
    // notify it; without a timeout it would wait forever, so it traps.
    private int waitOn(boolean equal, long timeoutNanos) {
        if (!shared()) {
            throw new TrapException("expected shared memory");
        }
        if (!equal) {
            return 1;
        }
        if (timeoutNanos < 0) {
            throw new TrapException("memory.atomic.wait without a timeout on a single-threaded VM");
        }
        try {
            Thread.sleep(timeoutNanos / 1_000_000, (int) (timeoutNanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChicoryInterruptedException("memory.atomic.wait interrupted");
        }
        return 2;
    }

    @Override
    @SuppressWarnings("removal")
    public int notify(int addr, int count) {
        aligned(addr, 4);
        return 0;
    }

    @Override
    public synchronized byte atomicReadByte(int addr) {
        return read(addr);
    }

    @Override
    public synchronized short atomicReadShort(int addr) {
        return readShort(aligned(addr, 2));
    }

    @Override
    public synchronized int atomicReadInt(int addr) {
        return readInt(aligned(addr, 4));
    }

    @Override
    public synchronized long atomicReadLong(int addr) {
        return readLong(aligned(addr, 8));
    }

    @Override
    public synchronized void atomicWriteByte(int addr, byte value) {
        writeByte(addr, value);
    }

    @Override
    public synchronized void atomicWriteShort(int addr, short value) {
        writeShort(aligned(addr, 2), value);
    }

    @Override
    public synchronized void atomicWriteInt(int addr, int value) {
        writeI32(aligned(addr, 4), value);
    }

    @Override
    public synchronized void atomicWriteLong(int addr, long value) {
        writeLong(aligned(addr, 8), value);
    }

    /** The read-modify-write operations, by the value they store from the old one and the operand. */
    private enum Op {
        ADD,
        AND,
        OR,
        XOR,
        XCHG;

        long apply(long old, long operand) {
            switch (this) {
                case ADD:
                    return old + operand;
                case AND:
                    return old & operand;
                case OR:
                    return old | operand;
                case XOR:
                    return old ^ operand;
                default:
                    return operand;
            }
        }
    }

    private synchronized byte rmwByte(int addr, byte operand, Op op) {
        byte old = read(addr);
        writeByte(addr, (byte) op.apply(old, operand));
        return old;
    }

    private synchronized short rmwShort(int addr, short operand, Op op) {
        short old = readShort(aligned(addr, 2));
        writeShort(addr, (short) op.apply(old, operand));
        return old;
    }

    private synchronized int rmwInt(int addr, int operand, Op op) {
        int old = readInt(aligned(addr, 4));
        writeI32(addr, (int) op.apply(old, operand));
        return old;
    }

    private synchronized long rmwLong(int addr, long operand, Op op) {
        long old = readLong(aligned(addr, 8));
        writeLong(addr, op.apply(old, operand));
        return old;
    }

    @Override
    public byte atomicAddByte(int addr, byte value) {
        return rmwByte(addr, value, Op.ADD);
    }

    @Override
    public short atomicAddShort(int addr, short value) {
        return rmwShort(addr, value, Op.ADD);
    }

    @Override
    public int atomicAddInt(int addr, int value) {
        return rmwInt(addr, value, Op.ADD);
    }

    @Override
    public long atomicAddLong(int addr, long value) {
        return rmwLong(addr, value, Op.ADD);
    }

    @Override
    public byte atomicAndByte(int addr, byte value) {
        return rmwByte(addr, value, Op.AND);
    }

    @Override
    public short atomicAndShort(int addr, short value) {
        return rmwShort(addr, value, Op.AND);
    }

    @Override
    public int atomicAndInt(int addr, int value) {
        return rmwInt(addr, value, Op.AND);
    }

    @Override
    public long atomicAndLong(int addr, long value) {
        return rmwLong(addr, value, Op.AND);
    }

    @Override
    public byte atomicOrByte(int addr, byte value) {
        return rmwByte(addr, value, Op.OR);
    }

    @Override
    public short atomicOrShort(int addr, short value) {
        return rmwShort(addr, value, Op.OR);
    }

    @Override
    public int atomicOrInt(int addr, int value) {
        return rmwInt(addr, value, Op.OR);
    }

    @Override
    public long atomicOrLong(int addr, long value) {
        return rmwLong(addr, value, Op.OR);
    }

    @Override
    public byte atomicXorByte(int addr, byte value) {
        return rmwByte(addr, value, Op.XOR);
    }

    @Override
    public short atomicXorShort(int addr, short value) {
        return rmwShort(addr, value, Op.XOR);
    }

    @Override
    public int atomicXorInt(int addr, int value) {
        return rmwInt(addr, value, Op.XOR);
    }

    @Override
    public long atomicXorLong(int addr, long value) {
        return rmwLong(addr, value, Op.XOR);
    }

    @Override
    public byte atomicXchgByte(int addr, byte value) {
        return rmwByte(addr, value, Op.XCHG);
    }

    @Override
    public short atomicXchgShort(int addr, short value) {
        return rmwShort(addr, value, Op.XCHG);
    }

    @Override
    public int atomicXchgInt(int addr, int value) {
        return rmwInt(addr, value, Op.XCHG);
    }

    @Override
    public long atomicXchgLong(int addr, long value) {
        return rmwLong(addr, value, Op.XCHG);
    }

    @Override
    public synchronized byte atomicCmpxchgByte(int addr, byte expected, byte replacement) {
        byte old = read(addr);
        if (old == expected) {
            writeByte(addr, replacement);
        }
        return old;
    }

    @Override
    public synchronized short atomicCmpxchgShort(int addr, short expected, short replacement) {
        short old = readShort(aligned(addr, 2));
        if (old == expected) {
            writeShort(addr, replacement);
        }
        return old;
    }

    @Override
    public synchronized int atomicCmpxchgInt(int addr, int expected, int replacement) {
        int old = readInt(aligned(addr, 4));
        if (old == expected) {
            writeI32(addr, replacement);
        }
        return old;
    }

    @Override
    public synchronized long atomicCmpxchgLong(int addr, long expected, long replacement) {
        long old = readLong(aligned(addr, 8));
        if (old == expected) {
            writeLong(addr, replacement);
        }
        return old;
    }
}
