package dev.wasmesh.host;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Interrupts callbacks that overrun their deadline. One daemon thread scans the VMs that have a deadline every
 * {@value #SCAN_NANOS} ns; a call is timed from the scan that first sees it running, so the hot path reads no clock
 * and takes no lock: it bumps a call number and publishes the running thread, and a CAS ends the call. (A clock read
 * and a concurrent-set insert and remove around every callback used to cost more than a small filter's callbacks.)
 * A call may so run up to one scan period longer than its deadline before it is interrupted, never shorter.
 * VMs are registered once, when created, and held weakly.
 */
final class Watchdog {
    private static final long SCAN_NANOS = 5_000_000L;
    private static final Map<WasmVm, Sighting> WATCHED = Collections.synchronizedMap(new WeakHashMap<>());

    /** The call the scanner last saw running in one VM and since when; touched only by the scanner thread. */
    private static final class Sighting {
        int callNumber;
        long sinceNanos;
    }

    static {
        Thread t = new Thread(Watchdog::scan, "wasmesh-watchdog");
        t.setDaemon(true);
        t.start();
    }

    private Watchdog() {}

    static void watch(WasmVm vm) {
        WATCHED.put(vm, new Sighting());
    }

    static void begin(WasmVm vm) {
        if (vm.deadlineHit) {
            vm.deadlineHit = false; // a volatile write costs a fence; it is rarely needed
        }
        vm.callNumber++;
        // Publishes the call number with it; the scanner may see it a little late, which only delays an interrupt.
        vm.runningThread.lazySet(Thread.currentThread());
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
        List<Map.Entry<WasmVm, Sighting>> vms = new ArrayList<>();
        while (true) {
            LockSupport.parkNanos(SCAN_NANOS);
            vms.clear(); // entries hold their VMs weakly, so the list keeps none alive while parked
            synchronized (WATCHED) {
                vms.addAll(WATCHED.entrySet());
            }
            long now = System.nanoTime();
            for (Map.Entry<WasmVm, Sighting> e : vms) {
                WasmVm vm = e.getKey(); // null once the VM has been collected
                if (vm != null) {
                    check(vm, e.getValue(), now);
                }
            }
        }
    }

    private static void check(WasmVm vm, Sighting seen, long now) {
        Thread t = vm.runningThread.get();
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
