package dev.wasmesh.bench;

import dev.wasmesh.host.module.ProxyWasmModule;
import io.roastedroot.proxywasm.PluginFactory;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * Compares the two hosts on a noisy shared machine: in one JVM, alternating rounds of the same work on each host,
 * timed with the thread's CPU time (time the thread was descheduled does not count), keeping each host's best
 * round. Per request: the {@link RequestLifecycleBench} lifecycle; per worker: the {@link InstantiationBench} start.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.wasmesh.bench.CpuTimeComparison [engine] [rounds]</pre>
 */
public final class CpuTimeComparison {
    private static final int REQUESTS_PER_ROUND = 200_000;
    private static final int WORKERS_PER_ROUND = 300;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CpuTimeComparison() {}

    public static void main(String[] args) {
        ProxyWasmModule.Engine engine =
                args.length > 0 ? ProxyWasmModule.Engine.valueOf(args[0]) : ProxyWasmModule.Engine.COMPILER;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 12;
        ProxyWasmModule wasmeshModule = WasmeshWorker.compile(ExampleFilter.SEED, engine);
        PluginFactory roastedrootFactory = RoastedrootWorker.compile(ExampleFilter.SEED, engine);
        WasmeshWorker wasmesh = WasmeshWorker.start(wasmeshModule);
        RoastedrootWorker roastedroot = RoastedrootWorker.start(roastedrootFactory);
        int requests = engine == ProxyWasmModule.Engine.COMPILER ? REQUESTS_PER_ROUND : REQUESTS_PER_ROUND / 5;

        double bestWasmesh = Double.MAX_VALUE;
        double bestRoastedroot = Double.MAX_VALUE;
        double bestWasmeshStart = Double.MAX_VALUE;
        double bestRoastedrootStart = Double.MAX_VALUE;
        Object sink = null;
        for (int round = 0; round < rounds; round++) {
            long t0 = cpuNanos();
            for (int i = 0; i < requests; i++) {
                sink = wasmesh.serve();
            }
            long t1 = cpuNanos();
            for (int i = 0; i < requests; i++) {
                sink = roastedroot.serve();
            }
            long t2 = cpuNanos();
            for (int i = 0; i < WORKERS_PER_ROUND; i++) {
                sink = WasmeshWorker.start(wasmeshModule);
            }
            long t3 = cpuNanos();
            for (int i = 0; i < WORKERS_PER_ROUND; i++) {
                sink = RoastedrootWorker.start(roastedrootFactory);
            }
            long t4 = cpuNanos();
            bestWasmesh = Math.min(bestWasmesh, (t1 - t0) / 1000.0 / requests);
            bestRoastedroot = Math.min(bestRoastedroot, (t2 - t1) / 1000.0 / requests);
            bestWasmeshStart = Math.min(bestWasmeshStart, (t3 - t2) / 1000.0 / WORKERS_PER_ROUND);
            bestRoastedrootStart = Math.min(bestRoastedrootStart, (t4 - t3) / 1000.0 / WORKERS_PER_ROUND);
            System.out.printf(
                    Locale.ROOT,
                    "round %2d: request %.3f vs %.3f µs, worker start %.1f vs %.1f µs%n",
                    round + 1,
                    (t1 - t0) / 1000.0 / requests,
                    (t2 - t1) / 1000.0 / requests,
                    (t3 - t2) / 1000.0 / WORKERS_PER_ROUND,
                    (t4 - t3) / 1000.0 / WORKERS_PER_ROUND);
        }
        if (sink == null) {
            throw new IllegalStateException("no work was done");
        }
        System.out.printf(Locale.ROOT, "seed, %s, best of %d rounds (thread CPU time)%n", engine, rounds);
        System.out.printf(
                Locale.ROOT,
                "| per request | %.3f µs | %.3f µs | %.2f× |%n",
                bestWasmesh,
                bestRoastedroot,
                bestRoastedroot / bestWasmesh);
        System.out.printf(
                Locale.ROOT,
                "| worker start | %.1f µs | %.1f µs | %.2f× |%n",
                bestWasmeshStart,
                bestRoastedrootStart,
                bestRoastedrootStart / bestWasmeshStart);
    }

    private static long cpuNanos() {
        return THREADS.getCurrentThreadCpuTime();
    }
}
