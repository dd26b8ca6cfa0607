package dev.wasmesh.bench;

import dev.wasmesh.host.module.CodeCache;
import dev.wasmesh.host.module.ModuleLoadException;
import dev.wasmesh.host.module.ProxyWasmModule;
import dev.wasmesh.host.stream.HeaderMap;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Locale;

/**
 * The per-request cost of each example filter on the wasmesh host, as bench/v8/host.mjs times it on V8: one worker,
 * the {@link RequestLifecycleBench} lifecycle in rounds of about half a second for a fixed time per filter, each
 * round printed (the JIT's warm-up shows as falling figures) and the best round kept. Rounds are timed with the
 * thread's CPU time (JIT and GC threads do not count) and with wall time.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.wasmesh.bench.LifecycleCost SECONDS FILTER...</pre>
 *
 * FILTER is an {@link ExampleFilter} name. Modules are loaded through the standard code cache
 * ({@code WASMESH_CACHE_DIR}), so a second run does not compile again.
 */
public final class LifecycleCost {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final long ROUND_NANOS = 500_000_000L;

    private LifecycleCost() {}

    public static void main(String[] args) throws ModuleLoadException {
        if (args.length < 2) {
            System.err.println("usage: LifecycleCost SECONDS FILTER...");
            System.exit(2);
        }
        double seconds = Double.parseDouble(args[0]);
        for (int i = 1; i < args.length; i++) {
            run(ExampleFilter.valueOf(args[i]), seconds);
        }
    }

    private static void run(ExampleFilter filter, double seconds) throws ModuleLoadException {
        long loadStart = System.nanoTime();
        ProxyWasmModule module = ProxyWasmModule.fromBytes(
                filter.directory(), filter.wasm(), ProxyWasmModule.Engine.COMPILER, CodeCache.standard());
        long started = System.nanoTime();
        // The deadline still runs (its cost is part of every request), only longer than the default second.
        WasmeshWorker worker = WasmeshWorker.start(module, Duration.ofSeconds(30));
        long ready = System.nanoTime();
        HeaderMap first = worker.serve();
        System.out.printf(Locale.ROOT, "%s response headers: %s%n", filter, first);
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        int perRound = 100;
        long served = 1;
        double bestCpu = Double.MAX_VALUE;
        double bestWall = Double.MAX_VALUE;
        int round = 0;
        while (System.nanoTime() < deadline) {
            long wall0 = System.nanoTime();
            long cpu0 = THREADS.getCurrentThreadCpuTime();
            for (int i = 0; i < perRound; i++) {
                worker.serve();
            }
            long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
            long wall = System.nanoTime() - wall0;
            served += perRound;
            double cpuMicros = cpu / 1000.0 / perRound;
            double wallMicros = wall / 1000.0 / perRound;
            bestCpu = Math.min(bestCpu, cpuMicros);
            bestWall = Math.min(bestWall, wallMicros);
            round++;
            System.out.printf(
                    Locale.ROOT,
                    "round %d: %d requests, %.3f µs/request CPU, %.3f wall%n",
                    round,
                    served,
                    cpuMicros,
                    wallMicros);
            perRound = (int) Math.max(100, Math.min(10_000_000, perRound * (double) ROUND_NANOS / Math.max(wall, 1)));
        }
        worker.close();
        System.out.printf(
                Locale.ROOT,
                "result %s chicory best_cpu=%.3f best_wall=%.3f requests=%d load_ms=%.1f start_ms=%.1f%n",
                filter,
                bestCpu,
                bestWall,
                served,
                (started - loadStart) / 1e6,
                (ready - started) / 1e6);
    }
}
