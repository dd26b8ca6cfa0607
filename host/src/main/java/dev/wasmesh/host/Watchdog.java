package dev.wasmesh.host;

import java.lang.ref.WeakReference;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Interrupts callbacks that overrun their deadline. One daemon thread scans, every {@value #SCAN_NANOS} ns, the VMs
 * that have run guest code. The hot path reads no clock, takes no lock and has one atomic instruction: every call
 * bumps the VM's call number; a guest section publishes its thread with a release store (a plain store on x86), and
 * a CAS ends it. A call is timed from the scan that first sees it, so it is interrupted at most one scan period later than its
 * deadline, never sooner.
 *
 * <p>The CAS at the end is what makes the interrupt safe: the scanner claims a call with the same CAS, so exactly one
 * of the two wins, and an interrupt only ever lands on a thread that is still inside the overrunning call (or that
 * waits for it on the VM's monitor and clears it). A VM joins the scan on its first call and leaves it when closed;
 * it is held weakly, so a VM dropped without closing leaves when it is collected (not while a thread runs it).
 */
final class Watchdog {
    private static final long SCAN_NANOS = 5_000_000L;
    private static final Set<Sighting> WATCHED = ConcurrentHashMap.newKeySet();

    /** The call the scanner last saw running in one VM, and since when; touched only by the scanner thread. */
    static final class Sighting {
        final WeakReference<WasmVm> vm;
        int callNumber;
        long sinceNanos;

        Sighting(WasmVm vm) {
            this.vm = new WeakReference<>(vm);
            this.callNumber = vm.callNumber - 1;
        }
    }

    static {
        Thread t = new Thread(Watchdog::scan, "wasmesh-watchdog");
        t.setDaemon(true);
        t.start();
    }

    private Watchdog() {}

    static void begin(WasmVm vm) {
        if (!vm.watched) {
            watch(vm);
        }
        if (vm.deadlineHit) {
            vm.deadlineHit = false; // a volatile write costs a fence; it is rarely needed
        }
        // The VM bumped its call number before this: the scanner reads the thread first, then a call number at
        // least that new, so it never times this call from an earlier one's sighting.
        vm.runningThread.setRelease(Thread.currentThread());
    }

    private static void watch(WasmVm vm) {
        synchronized (vm) {
            if (!vm.watched) {
                vm.sighting = new Sighting(vm);
                WATCHED.add(vm.sighting);
                vm.watched = true;
            }
        }
    }

    /** A closed VM leaves the scan at once, so VMs dropped faster than they are collected do not pile up in it. */
    static void forget(WasmVm vm) {
        synchronized (vm) {
            if (vm.sighting != null) {
                WATCHED.remove(vm.sighting);
                vm.sighting = null;
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
            for (Iterator<Sighting> it = WATCHED.iterator(); it.hasNext(); ) {
                Sighting seen = it.next();
                WasmVm vm = seen.vm.get();
                if (vm == null) {
                    it.remove();
                } else {
                    check(vm, seen, now);
                }
            }
        }
    }

    private static void check(WasmVm vm, Sighting seen, long now) {
        Thread t = vm.runningThread.getAcquire();
        if (t == null) {
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
}
