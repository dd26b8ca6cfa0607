package dev.wasmesh.host;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Interrupts callbacks that overrun their deadline. One daemon thread scans the VMs that are inside a callback, so
 * the per-call cost is two atomic writes rather than scheduling a task.
 */
final class Watchdog {
    private static final long SCAN_NANOS = 5_000_000L;
    private static final Set<WasmVm> ACTIVE = ConcurrentHashMap.newKeySet();

    static {
        Thread t = new Thread(Watchdog::scan, "wasmesh-watchdog");
        t.setDaemon(true);
        t.start();
    }

    private Watchdog() {}

    static void begin(WasmVm vm) {
        vm.deadlineHit = false;
        vm.callStartNanos = System.nanoTime();
        vm.runningThread.set(Thread.currentThread());
        ACTIVE.add(vm);
    }

    static void end(WasmVm vm) {
        ACTIVE.remove(vm);
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
            for (WasmVm vm : ACTIVE) {
                Thread t = vm.runningThread.get();
                if (t != null && now - vm.callStartNanos > vm.deadlineNanos()) {
                    synchronized (vm) {
                        if (vm.runningThread.compareAndSet(t, null)) {
                            vm.deadlineHit = true;
                            t.interrupt();
                        }
                    }
                }
            }
        }
    }
}
