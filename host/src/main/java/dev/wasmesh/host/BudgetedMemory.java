package dev.wasmesh.host;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A VM's linear memory: Chicory's {@link ByteArrayMemory}, with every page reserved from a {@link GuestMemoryBudget}
 * before it is allocated. Chicory's memory is final, so this delegates each access; the JIT inlines the one extra
 * hop. Growth runs in steps that look at the watchdog between them, so the callback deadline covers a large
 * {@code memory.grow} too. The pages go back to the budget when the VM is closed, or else when it is collected.
 */
final class BudgetedMemory implements Memory {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final int GROW_STEP_PAGES = 256; // 16 MiB between two looks at the deadline

    private final ByteArrayMemory delegate;
    private final Reservation reservation;
    private final Cleaner.Cleanable cleanable;

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
    BudgetedMemory(MemoryLimits limits, GuestMemoryBudget budget) {
        this.reservation = new Reservation(budget);
        long initial = (long) limits.initialPages() * PAGE_SIZE;
        if (!budget.tryReserve(initial)) {
            throw new ChicoryException("the module's initial memory of " + limits.initialPages()
                    + " pages does not fit in the guest memory budget (" + (budget.limit() >> 20) + " MiB, "
                    + (budget.used() >> 20) + " MiB in use)");
        }
        reservation.bytes.set(initial);
        this.cleanable = CLEANER.register(this, reservation);
        this.delegate = new ByteArrayMemory(limits);
    }

    /** Gives the pages back to the budget now; the memory must not be used after this. */
    void release() {
        cleanable.clean();
    }

    @Override
    public int grow(int pages) {
        int before = delegate.pages();
        if (pages < 0 || (long) before + pages > delegate.maximumPages()) {
            return -1;
        }
        long bytes = (long) pages * PAGE_SIZE;
        if (!reservation.budget.tryReserve(bytes)) {
            return -1;
        }
        reservation.bytes.addAndGet(bytes);
        for (int done = 0; done < pages; ) {
            if (Thread.currentThread().isInterrupted()) {
                throw new ChicoryInterruptedException("memory.grow interrupted");
            }
            int step = Math.min(GROW_STEP_PAGES, pages - done);
            delegate.grow(step);
            done += step;
        }
        return before;
    }

    @Override
    public int pages() {
        return delegate.pages();
    }

    @Override
    public int initialPages() {
        return delegate.initialPages();
    }

    @Override
    public int maximumPages() {
        return delegate.maximumPages();
    }

    @Override
    public boolean shared() {
        return delegate.shared();
    }

    @Override
    public void initialize(Instance instance, DataSegment[] segments) {
        delegate.initialize(instance, segments);
    }

    @Override
    public void initialize(Instance instance, DataSegment[] segments, int offset) {
        delegate.initialize(instance, segments, offset);
    }

    @Override
    public Object lock(int addr) {
        return delegate.lock(addr);
    }

    @Override
    public int waitOn(int addr, int expected, long timeout) {
        return delegate.waitOn(addr, expected, timeout);
    }

    @Override
    public int waitOn(int addr, long expected, long timeout) {
        return delegate.waitOn(addr, expected, timeout);
    }

    @Override
    public int notify(int addr, int count) {
        return delegate.notify(addr, count);
    }

    @Override
    public void initPassiveSegment(int segment, int dest, int offset, int length) {
        delegate.initPassiveSegment(segment, dest, offset, length);
    }

    @Override
    public void write(int addr, byte[] data, int offset, int length) {
        delegate.write(addr, data, offset, length);
    }

    @Override
    public byte read(int addr) {
        return delegate.read(addr);
    }

    @Override
    public byte[] readBytes(int addr, int length) {
        return delegate.readBytes(addr, length);
    }

    @Override
    public void writeI32(int addr, int value) {
        delegate.writeI32(addr, value);
    }

    @Override
    public int readInt(int addr) {
        return delegate.readInt(addr);
    }

    @Override
    public void writeLong(int addr, long value) {
        delegate.writeLong(addr, value);
    }

    @Override
    public long readLong(int addr) {
        return delegate.readLong(addr);
    }

    @Override
    public void writeShort(int addr, short value) {
        delegate.writeShort(addr, value);
    }

    @Override
    public short readShort(int addr) {
        return delegate.readShort(addr);
    }

    @Override
    public long readU16(int addr) {
        return delegate.readU16(addr);
    }

    @Override
    public void writeByte(int addr, byte value) {
        delegate.writeByte(addr, value);
    }

    @Override
    public void writeF32(int addr, float value) {
        delegate.writeF32(addr, value);
    }

    @Override
    public long readF32(int addr) {
        return delegate.readF32(addr);
    }

    @Override
    public float readFloat(int addr) {
        return delegate.readFloat(addr);
    }

    @Override
    public void writeF64(int addr, double value) {
        delegate.writeF64(addr, value);
    }

    @Override
    public double readDouble(int addr) {
        return delegate.readDouble(addr);
    }

    @Override
    public long readF64(int addr) {
        return delegate.readF64(addr);
    }

    @Override
    public void zero() {
        delegate.zero();
    }

    @Override
    public void fill(byte value, int fromAddr, int toAddr) {
        delegate.fill(value, fromAddr, toAddr);
    }

    @Override
    public void copy(int dest, int src, int length) {
        delegate.copy(dest, src, length);
    }

    @Override
    public void drop(int segment) {
        delegate.drop(segment);
    }

    @Override
    public void atomicFence() {
        delegate.atomicFence();
    }

    @Override
    public byte atomicAddByte(int addr, byte value) {
        return delegate.atomicAddByte(addr, value);
    }

    @Override
    public int atomicAddInt(int addr, int value) {
        return delegate.atomicAddInt(addr, value);
    }

    @Override
    public long atomicAddLong(int addr, long value) {
        return delegate.atomicAddLong(addr, value);
    }

    @Override
    public short atomicAddShort(int addr, short value) {
        return delegate.atomicAddShort(addr, value);
    }

    @Override
    public byte atomicAndByte(int addr, byte value) {
        return delegate.atomicAndByte(addr, value);
    }

    @Override
    public int atomicAndInt(int addr, int value) {
        return delegate.atomicAndInt(addr, value);
    }

    @Override
    public long atomicAndLong(int addr, long value) {
        return delegate.atomicAndLong(addr, value);
    }

    @Override
    public short atomicAndShort(int addr, short value) {
        return delegate.atomicAndShort(addr, value);
    }

    @Override
    public byte atomicCmpxchgByte(int addr, byte expected, byte replacement) {
        return delegate.atomicCmpxchgByte(addr, expected, replacement);
    }

    @Override
    public int atomicCmpxchgInt(int addr, int expected, int replacement) {
        return delegate.atomicCmpxchgInt(addr, expected, replacement);
    }

    @Override
    public long atomicCmpxchgLong(int addr, long expected, long replacement) {
        return delegate.atomicCmpxchgLong(addr, expected, replacement);
    }

    @Override
    public short atomicCmpxchgShort(int addr, short expected, short replacement) {
        return delegate.atomicCmpxchgShort(addr, expected, replacement);
    }

    @Override
    public byte atomicOrByte(int addr, byte value) {
        return delegate.atomicOrByte(addr, value);
    }

    @Override
    public int atomicOrInt(int addr, int value) {
        return delegate.atomicOrInt(addr, value);
    }

    @Override
    public long atomicOrLong(int addr, long value) {
        return delegate.atomicOrLong(addr, value);
    }

    @Override
    public short atomicOrShort(int addr, short value) {
        return delegate.atomicOrShort(addr, value);
    }

    @Override
    public byte atomicReadByte(int addr) {
        return delegate.atomicReadByte(addr);
    }

    @Override
    public int atomicReadInt(int addr) {
        return delegate.atomicReadInt(addr);
    }

    @Override
    public long atomicReadLong(int addr) {
        return delegate.atomicReadLong(addr);
    }

    @Override
    public short atomicReadShort(int addr) {
        return delegate.atomicReadShort(addr);
    }

    @Override
    public void atomicWriteByte(int addr, byte value) {
        delegate.atomicWriteByte(addr, value);
    }

    @Override
    public void atomicWriteInt(int addr, int value) {
        delegate.atomicWriteInt(addr, value);
    }

    @Override
    public void atomicWriteLong(int addr, long value) {
        delegate.atomicWriteLong(addr, value);
    }

    @Override
    public void atomicWriteShort(int addr, short value) {
        delegate.atomicWriteShort(addr, value);
    }

    @Override
    public byte atomicXchgByte(int addr, byte value) {
        return delegate.atomicXchgByte(addr, value);
    }

    @Override
    public int atomicXchgInt(int addr, int value) {
        return delegate.atomicXchgInt(addr, value);
    }

    @Override
    public long atomicXchgLong(int addr, long value) {
        return delegate.atomicXchgLong(addr, value);
    }

    @Override
    public short atomicXchgShort(int addr, short value) {
        return delegate.atomicXchgShort(addr, value);
    }

    @Override
    public byte atomicXorByte(int addr, byte value) {
        return delegate.atomicXorByte(addr, value);
    }

    @Override
    public int atomicXorInt(int addr, int value) {
        return delegate.atomicXorInt(addr, value);
    }

    @Override
    public long atomicXorLong(int addr, long value) {
        return delegate.atomicXorLong(addr, value);
    }

    @Override
    public short atomicXorShort(int addr, short value) {
        return delegate.atomicXorShort(addr, value);
    }
}
