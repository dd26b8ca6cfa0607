package dev.wasmesh.host;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Interrupts callbacks that overrun their deadline. One daemon thread scans, every {@value #SCAN_NANOS} ns, the VMs
 * that ran guest code since its last scan. The hot path reads no clock and touches no shared set: a call bumps the
 * VM's call number and publishes its thread, and a CAS ends it; a call is timed from the scan that first sees it,
 * so it is interrupted at most one scan period later than before, never sooner. A VM joins the scanned set on its
 * first call after being idle through a scan (one set insert per scan period at most), so the scan costs nothing for
 * idle or dropped VMs. (A clock read plus a set insert and remove around every callback used to cost more than
 * the callbacks of a small filter.)
 */
final class Watchdog {
    private static final long SCAN_NANOS = 5_000_000L;
    private static final Map<WasmVm, Sighting> WATCHED = new ConcurrentHashMap<>();

    /** The call the scanner last saw running in one VM, and since when; touched only by the scanner thread. */
    private static final class Sighting {
        int callNumber;
        long sinceNanos;

        Sighting(int callNumber) {
            this.callNumber = callNumber;
        }
    }

    static {
        Thread t = new Thread(Watchdog::scan, "wasmesh-watchdog");
        t.setDaemon(true);
        t.start();
    }

    private Watchdog() {}

    static void begin(WasmVm vm) {
        if (vm.deadlineHit) {
            vm.deadlineHit = false; // a volatile write costs a fence; it is rarely needed
        }
        vm.callNumber++;
        // A volatile write, then a volatile read of watched: the scanner does the opposite when it stops watching
        // an idle VM, so one of the two always sees the other and a running VM is never left unwatched.
        vm.runningThread.set(Thread.currentThread());
        if (!vm.watched) {
            synchronized (vm) {
                if (!vm.watched) {
                    vm.watched = true;
                    WATCHED.put(vm, new Sighting(vm.callNumber - 1));
                }
            }
        }
    }

    static void end(WasmVm vm) {
        if (!vm.runningThread.compareAndSet(Thread.currentThread(), null)) {
            // The watchdog claimed this call: wait for its interrupt to land, then clear it so the thread goes on.
            synchronized (vm) {
                Thread.interrupted();
            }
        }
    }

    private static void scan() {
        while (true) {
            LockSupport.parkNanos(SCAN_NANOS);
            long now = System.nanoTime();
            WATCHED.forEach((vm, seen) -> check(vm, seen, now));
        }
    }

    private static void check(WasmVm vm, Sighting seen, long now) {
        Thread t = vm.runningThread.get();
        if (t == null) {
            unwatchIfIdle(vm);
            return;
        }
        int call = vm.callNumber;
        if (call != seen.callNumber) {
            seen.callNumber = call;
            seen.sinceNanos = now;
        } else if (now - seen.sinceNanos > vm.deadlineNanos()) {
            synchronized (vm) {
                if (vm.runningThread.compareAndSet(t, null)) {
                    vm.deadlineHit = true;
                    t.interrupt();
                }
            }
        }
    }

    private static void unwatchIfIdle(WasmVm vm) {
        synchronized (vm) {
            vm.watched = false;
            if (vm.runningThread.get() == null) {
                WATCHED.remove(vm);
            } else {
                vm.watched = true; // a call began meanwhile: keep watching it
            }
        }
    }
}
