package dev.wasmesh.host;

import java.time.Duration;

/**
 * Every limit the host puts on what a guest can make the JVM do, in one place (as proxy-wasm-cpp-host's
 * {@code limits.h}). The proxy's per-stream and per-connection limits are in the proxy's own {@code Limits}; both
 * are listed with Envoy's equivalents in docs/host-differences.md. The rest of the host reads its limits and
 * defaults from here rather than keeping its own.
 *
 * <p>Envoy's VMs keep their linear memory outside any heap limit; here it lives in the JVM heap, so besides the
 * per-VM limit all guest memory of the process is accounted against one budget ({@link GuestMemoryBudget}) before
 * the JVM allocates it: a guest that asks for more gets {@code memory.grow} = -1, never an OutOfMemoryError.
 */
public final class GuestLimits {
    private GuestLimits() {}

    /** A wasm page. */
    public static final int PAGE_BYTES = 64 * 1024;

    /** Default largest linear memory of one VM: Envoy's (cpp-host) 1 GiB, in pages. */
    public static final int DEFAULT_VM_MEMORY_PAGES = 16384;

    /** Largest buffer one {@code random_get} fills (cpp-host: 64 KiB, as WebCrypto's getRandomValues); more is EINVAL. */
    public static final int RANDOM_GET_MAX_BYTES = 64 * 1024;

    /** Envoy's caps on a serialised header map handed over by the guest. */
    public static final int PAIRS_MAX_BYTES = 1024 * 1024;

    public static final int PAIRS_MAX_COUNT = 1024;

    /** Default time one callback may run before it is interrupted and the VM fails; per plugin, {@code PluginConfig}. */
    public static final Duration DEFAULT_CALLBACK_DEADLINE = Duration.ofSeconds(1);

    /**
     * A module's own start-up ({@code _initialize}, {@code _start}) may run this many callback deadlines (10 s with
     * the default): a language runtime's set-up runs before the JIT has compiled any of it.
     */
    public static final int STARTUP_DEADLINE_FACTOR = 10;

    /** The most locals one function of a module may declare (V8's and wasmparser's limit); more fails the load. */
    public static final long FUNCTION_MAX_LOCALS = 50_000;

    /** Histogram samples kept per metric for /stats. */
    public static final int HISTOGRAM_SAMPLES = 1000;

    /**
     * Largest run of guest bytes one host call copies into the JVM (a body, a shared-data value, a call-out body, a
     * queue message), and the longest buffer a guest may write with proxy_set_buffer_bytes: a guest with a large
     * memory could otherwise make a single call allocate a gigabyte, or grow a body without end.
     * {@code -Dwasmesh.limits.hostCallBytes} sets it; the default is 64 MiB, or an eighth of the heap if less.
     */
    public static final long HOST_CALL_MAX_BYTES = Long.getLong(
            "wasmesh.limits.hostCallBytes",
            Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 8));

    /**
     * The bytes that guests may hold in the JVM at once: linear memories of all VMs, shared data and queued
     * messages. {@code -Dwasmesh.limits.guestMemoryBytes} sets it; the default leaves the proxy a quarter of the heap
     * (at least 64 MiB) and gives guests the rest.
     */
    public static final long GUEST_MEMORY_BYTES = Long.getLong(
            "wasmesh.limits.guestMemoryBytes",
            defaultGuestMemory(Runtime.getRuntime().maxMemory()));

    static long defaultGuestMemory(long maxHeap) {
        long reserve = Math.max(64L << 20, maxHeap / 4);
        return Math.max(maxHeap - reserve, 16L << 20);
    }
}
