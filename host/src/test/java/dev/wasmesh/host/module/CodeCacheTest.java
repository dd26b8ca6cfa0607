package dev.wasmesh.host.module;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.host.HostEnvironment;
import dev.wasmesh.host.HttpContext;
import dev.wasmesh.host.PluginConfig;
import dev.wasmesh.host.WasmVm;
import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.testsupport.Examples;
import dev.wasmesh.testsupport.Wat;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compiled modules kept on disk: a second load skips the compiler; bad entries are ignored and rebuilt. */
class CodeCacheTest {
    @TempDir
    Path dir;

    private final byte[] seed = seedBytes();

    private static byte[] seedBytes() {
        try {
            return Files.readAllBytes(Examples.wasm("seed"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private ProxyWasmModule load(CodeCache cache) throws ModuleLoadException {
        return ProxyWasmModule.fromBytes("filter.wasm", seed, ProxyWasmModule.Engine.COMPILER, cache);
    }

    /** The module really runs: the seed filter sets hello: world on the response. */
    private static void assertRuns(ProxyWasmModule module) {
        PluginConfig config = PluginConfig.builder()
                .name("seed")
                .rootId("seed")
                .logLevel(LogLevel.INFO)
                .build();
        WasmVm vm = WasmVm.create(module, new HostEnvironment(), config);
        HttpContext http = vm.createRootContext(config).newHttpContext();
        HeaderMap response = HeaderMap.of(":status", "200");
        http.onResponseHeaders(response, true);
        http.finish();
        assertThat(response.all("hello")).containsExactly("world");
    }

    private Path entry(CodeCache cache) {
        return cache.entryFile(CodeCache.sha256Hex(seed));
    }

    @Test
    void theSecondLoadTakesTheCompiledCodeFromTheCache() throws Exception {
        CodeCache cache = new CodeCache(dir.resolve("cache"));
        ProxyWasmModule first = load(cache);
        assertThat(first.codeFromCache()).isFalse();
        assertThat(entry(cache)).isRegularFile();
        assertRuns(first);

        ProxyWasmModule second = load(new CodeCache(dir.resolve("cache")));
        assertThat(second.codeFromCache()).isTrue();
        assertRuns(second);
        assertThat(cache.entries()).singleElement().satisfies(e -> {
            assertThat(e.module()).isEqualTo(CodeCache.sha256Hex(seed));
            assertThat(e.wasmeshVersion()).isEqualTo(CodeCache.wasmeshVersion()).isNotEqualTo("unknown");
            assertThat(e.chicoryVersion()).isEqualTo(CodeCache.chicoryVersion()).isEqualTo("1.7.5");
            assertThat(e.usable()).isTrue();
            assertThat(e.sizeBytes()).isEqualTo(Files.size(entry(cache)));
        });
    }

    @Test
    void codeFromTheCacheLeavesTheFunctionBodiesUnread() throws Exception {
        CodeCache cache = new CodeCache(dir);
        ProxyWasmModule compiled = load(cache);
        assertThat(compiled.bodyInstructions()).isPositive();

        ProxyWasmModule cached = load(cache);
        assertThat(cached.codeFromCache()).isTrue();
        assertThat(cached.bodyInstructions()).isZero();
        assertRuns(cached);
    }

    @Test
    void aFunctionTooLargeForOneJvmMethodRunsInTheInterpreterAlsoWhenItsCodeComesFromTheCache() throws Exception {
        byte[] big = Wat.compile(tooLargeForOneMethod(40_000));
        CodeCache cache = new CodeCache(dir);
        ProxyWasmModule compiled = ProxyWasmModule.fromBytes("big.wasm", big, ProxyWasmModule.Engine.COMPILER, cache);
        assertThat(compiled.codeFromCache()).isFalse();
        assertThat(addsTheHeader(compiled)).isTrue();

        ProxyWasmModule cached = ProxyWasmModule.fromBytes("big.wasm", big, ProxyWasmModule.Engine.COMPILER, cache);
        assertThat(cached.codeFromCache()).isTrue();
        assertThat(cached.bodyInstructions()).isPositive();
        assertThat(addsTheHeader(cached)).isTrue();
    }

    /**
     * A filter whose response-headers callback adds {@code big: yes} when {@code $big}, a function of
     * {@code additions} additions (too many for the 64 KiB a JVM method may hold), returns their sum.
     */
    private static String tooLargeForOneMethod(int additions) {
        StringBuilder wat = new StringBuilder();
        wat.append("""
                (module
                  (import "env" "proxy_add_header_map_value"
                    (func $add_header (param i32 i32 i32 i32 i32) (result i32)))
                  (memory (export "memory") 1)
                  (data (i32.const 16) "bigyes")
                  (global $heap (mut i32) (i32.const 1024))
                  (func $proxy_abi_version_0_2_1 (export "proxy_abi_version_0_2_1"))
                  (func $malloc (export "malloc") (param $size i32) (result i32)
                    (local $at i32)
                    (local.set $at (global.get $heap))
                    (global.set $heap (i32.add (global.get $heap) (local.get $size)))
                    (local.get $at))
                  (func $proxy_on_context_create (export "proxy_on_context_create") (param i32 i32))
                  (func $proxy_on_response_headers (export "proxy_on_response_headers")
                      (param i32 i32 i32) (result i32)
                """);
        wat.append("    (if (i32.eq (call $big) (i32.const ").append(additions).append(")) (then\n");
        wat.append("""
                      (drop (call $add_header (i32.const 2) (i32.const 16) (i32.const 3) (i32.const 19) (i32.const 3)))))
                    (i32.const 0))
                  (func $big (result i32)
                    (i32.const 0)
                """);
        for (int i = 0; i < additions; i++) {
            wat.append("    i32.const 1\n    i32.add\n");
        }
        return wat.append("  ))\n").toString();
    }

    private static boolean addsTheHeader(ProxyWasmModule module) {
        PluginConfig config = PluginConfig.builder().name("big").rootId("").build();
        WasmVm vm = WasmVm.create(module, new HostEnvironment(), config);
        HttpContext http = vm.createRootContext(config).newHttpContext();
        HeaderMap response = HeaderMap.of(":status", "200");
        http.onResponseHeaders(response, true);
        http.finish();
        return response.all("big").contains("yes");
    }

    @Test
    void theEntryNamesTheModuleAndBothVersions() {
        CodeCache cache = new CodeCache(dir);
        assertThat(entry(cache).getFileName().toString())
                .startsWith(CodeCache.sha256Hex(seed) + "-wasmesh-")
                .contains("-chicory-1.7.5-");
    }

    @Test
    void theSystemPropertyPicksTheDirectory() {
        String before = System.getProperty(CodeCache.DIR_PROPERTY);
        System.setProperty(CodeCache.DIR_PROPERTY, dir.toString());
        try {
            assertThat(CodeCache.defaultDir()).isEqualTo(dir);
        } finally {
            if (before == null) {
                System.clearProperty(CodeCache.DIR_PROPERTY);
            } else {
                System.setProperty(CodeCache.DIR_PROPERTY, before);
            }
        }
    }

    @Test
    void withoutACacheEveryLoadCompiles() throws Exception {
        assertThat(load(null).codeFromCache()).isFalse();
        assertThat(load(null).codeFromCache()).isFalse();
        assertThat(ProxyWasmModule.fromBytes("f.wasm", seed, ProxyWasmModule.Engine.INTERPRETER, new CodeCache(dir))
                        .codeFromCache())
                .isFalse();
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void aCorruptEntryIsIgnoredAndRebuilt() throws Exception {
        CodeCache cache = new CodeCache(dir);
        load(cache);
        byte[] bytes = Files.readAllBytes(entry(cache));
        bytes[bytes.length - 100] ^= 0x5a;
        Files.write(entry(cache), bytes);
        assertThat(cache.entries())
                .singleElement()
                .satisfies(e -> assertThat(e.usable()).isFalse());

        ProxyWasmModule rebuilt = load(cache);
        assertThat(rebuilt.codeFromCache()).isFalse();
        assertRuns(rebuilt);
        assertThat(load(cache).codeFromCache()).isTrue();
    }

    @Test
    void aTruncatedEntryIsIgnoredAndRebuilt() throws Exception {
        CodeCache cache = new CodeCache(dir);
        load(cache);
        byte[] bytes = Files.readAllBytes(entry(cache));
        Files.write(entry(cache), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThat(load(cache).codeFromCache()).isFalse();
        assertThat(load(cache).codeFromCache()).isTrue();
    }

    @Test
    void anEntryFromAnotherChicoryVersionIsIgnoredAndReplaced() throws Exception {
        CodeCache cache = new CodeCache(dir);
        load(cache);
        byte[] code = cache.read(CodeCache.sha256Hex(seed));
        // A whole, well-formed entry, but written by a build on another Chicory, under this build's file name.
        ByteArrayOutputStream foreign = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(foreign)) {
            out.write("WASMESHC".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.writeInt(CodeCache.FORMAT);
            out.writeUTF(CodeCache.wasmeshVersion());
            out.writeUTF("1.0.0");
            out.writeUTF(CodeCache.sha256Hex(seed));
            out.writeInt(code.length);
            out.write(CodeCache.sha256(code));
            out.write(code);
        }
        Files.write(entry(cache), foreign.toByteArray());
        assertThat(cache.entries()).singleElement().satisfies(e -> {
            assertThat(e.chicoryVersion()).isEqualTo("1.0.0");
            assertThat(e.usable()).isFalse();
        });

        assertThat(load(cache).codeFromCache()).isFalse();
        assertThat(cache.entries()).singleElement().satisfies(e -> {
            assertThat(e.chicoryVersion()).isEqualTo(CodeCache.chicoryVersion());
            assertThat(e.usable()).isTrue();
        });
    }

    @Test
    void anEntryWhoseCodeDoesNotLoadIsDroppedAndTheModuleCompiled() throws Exception {
        CodeCache cache = new CodeCache(dir);
        String sha256 = CodeCache.sha256Hex(seed);
        cache.write(sha256, "not a jar of classes".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(cache.read(sha256)).isNotNull();

        ProxyWasmModule module = load(cache);
        assertThat(module.codeFromCache()).isFalse();
        assertRuns(module);
        assertThat(load(cache).codeFromCache()).isTrue();
    }

    @Test
    void concurrentWritersLeaveOneWholeEntryAndReadersNeverSeeAPartOfOne() throws Exception {
        CodeCache cache = new CodeCache(dir);
        load(cache);
        String sha256 = CodeCache.sha256Hex(seed);
        byte[] code = cache.read(sha256);
        Files.delete(entry(cache));

        int writers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean writing = new AtomicBoolean(true);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                writes.add(pool.submit(() -> {
                    start.await();
                    for (int n = 0; n < 25; n++) {
                        new CodeCache(dir).write(sha256, code);
                    }
                    return null;
                }));
            }
            Future<Integer> reads = pool.submit(() -> {
                start.await();
                int whole = 0;
                while (writing.get()) {
                    byte[] seen = new CodeCache(dir).read(sha256);
                    if (seen != null) {
                        assertThat(seen).isEqualTo(code);
                        whole++;
                    } else {
                        // Before the first rename there is no entry; after it, a rename only ever replaces one.
                        assertThat(whole).isZero();
                    }
                }
                return whole;
            });
            start.countDown();
            for (Future<?> w : writes) {
                w.get(60, TimeUnit.SECONDS);
            }
            writing.set(false);
            reads.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(cache.read(sha256)).isEqualTo(code);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(entry(cache));
        }
        assertThat(load(cache).codeFromCache()).isTrue();
    }

    @Test
    void concurrentLoadsOfAColdModuleAllWork() throws Exception {
        CodeCache cache = new CodeCache(dir);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<ProxyWasmModule>> loads = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                loads.add(pool.submit(() -> load(new CodeCache(dir))));
            }
            for (Future<ProxyWasmModule> l : loads) {
                assertRuns(l.get(120, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(cache.entries())
                .singleElement()
                .satisfies(e -> assertThat(e.usable()).isTrue());
        assertThat(load(cache).codeFromCache()).isTrue();
    }

    @Test
    void aCacheThatCannotBeWrittenOnlyCostsTheCompile() throws Exception {
        Path notADir = Files.writeString(dir.resolve("file"), "x");
        CodeCache cache = new CodeCache(notADir.resolve("cache"));
        ProxyWasmModule module = load(cache);
        assertThat(module.codeFromCache()).isFalse();
        assertRuns(module);
        assertThat(load(cache).codeFromCache()).isFalse();
    }

    @Test
    void clearRemovesEntriesAndLeftoversButNothingElse() throws Exception {
        CodeCache cache = new CodeCache(dir);
        load(cache);
        Files.writeString(dir.resolve("abc-1.tmp"), "half an entry");
        Files.writeString(dir.resolve("notes.txt"), "someone else's");
        assertThat(cache.clear()).isEqualTo(2);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(dir.resolve("notes.txt"));
        }
        assertThat(cache.entries()).isEmpty();
        assertThat(load(cache).codeFromCache()).isFalse();
        assertThat(new CodeCache(dir.resolve("missing")).clear()).isZero();
    }
}
