package dev.wasmesh.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.testsupport.ProxyProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile growth in a proxy with a small heap (-Xmx256m) and the default 1 GiB memory limit per VM: the guest
 * budget refuses what the heap cannot hold, so the filter fails its own request under its policy, the JVM never
 * runs out of heap, and the proxy goes on serving. Before the budget, one memory.grow(16000) here threw an
 * OutOfMemoryError in the event loop and left a process that answered nothing but /ready.
 */
class GuestMemoryOomProcessTest {
    private static final List<String> SMALL_HEAP = List.of("-Xmx256m");

    @TempDir
    Path dir;

    private ProxyProcess proxy(String policy) throws Exception {
        return RunProcess.run(SMALL_HEAP, Fixtures.compile(dir, "hostile").toString(), "--fail-strategy", policy);
    }

    @Test
    void failClosedAnswers503AndKeepsServing() throws Exception {
        try (ProxyProcess p = proxy("FAIL_CLOSE")) {
            assertThat(p.adminGet("/stats").body())
                    .contains("wasm.hostile.worker_0.guest_memory_bytes: 131072")
                    .containsPattern("wasm.guest_memory_budget_bytes: [1-9]");
            assertThat(p.get("/attack", "x-attack", "g").statusCode()).isEqualTo(503);
            assertThat(p.get("/after").statusCode()).isEqualTo(503);
            assertThat(p.adminGet("/ready").statusCode()).isEqualTo(200);
            // The failed VM was closed: its pages went back to the budget.
            assertThat(p.adminGet("/stats").body())
                    .contains("wasm.hostile.worker_0.guest_memory_bytes: 0")
                    .contains("wasm.guest_memory_used_bytes: 0");
            assertThat(p.output()).doesNotContain("OutOfMemoryError");
        }
    }

    @Test
    void failOpenSkipsTheFilterAfterAStepByStepGrowth() throws Exception {
        try (ProxyProcess p = proxy("FAIL_OPEN")) {
            assertThat(p.get("/attack", "x-attack", "s").statusCode()).isEqualTo(200);
            assertThat(p.get("/after").statusCode()).isEqualTo(200);
            assertThat(p.output()).doesNotContain("OutOfMemoryError");
        }
    }

    @Test
    void failReloadSurvivesEveryGrowthAndRandomGetAttack() throws Exception {
        try (ProxyProcess p = proxy("FAIL_RELOAD")) {
            assertThat(p.get("/attack", "x-attack", "g").statusCode()).isEqualTo(503);
            awaitReloads(p, 1);
            assertThat(p.get("/attack", "x-attack", "s").statusCode()).isEqualTo(503);
            awaitReloads(p, 2);
            assertThat(p.get("/attack", "x-attack", "n").statusCode()).isEqualTo(200);
            assertThat(p.get("/after").statusCode()).isEqualTo(200);
            assertThat(p.output()).doesNotContain("OutOfMemoryError");
        }
    }

    private static void awaitReloads(ProxyProcess p, int count) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (p.output()
                        .lines()
                        .filter(l -> l.contains("filter hostile reloaded"))
                        .count()
                < count) {
            assertThat(System.nanoTime())
                    .as("reload %d; output:%n%s", count, p.output())
                    .isLessThan(end);
            Thread.sleep(50);
        }
    }
}
