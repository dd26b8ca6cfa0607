package dev.wasmesh.host.module;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Compiles a module into the {@link CodeCache} in a JVM of its own, started for that job alone and run with the
 * client compiler only ({@code -XX:TieredStopAtLevel=1}). Chicory's compiler runs once per module, over code that the
 * server compiler (C2) would spend seconds of CPU optimizing without ever paying that back; in the serving JVM, C2 is
 * what makes the guest code fast, so it cannot be turned off there. The process that loads the module then takes the
 * stored code as from any warm cache.
 *
 * <p>On for modules of at least {@link #MIN_BYTES} when the system property {@value #PROPERTY} is {@code true} (the
 * {@code wasmesh} launcher sets it). Anything that goes wrong here (no {@code java} to start, a compile that fails, a
 * cache that cannot be written) only means the module is compiled in the calling process, which then reports any
 * error itself.
 */
public final class CompilerProcess {
    public static final String PROPERTY = "wasmesh.compile.apart";

    /**
     * Smaller modules compile in the calling process: their compile is short enough that starting another JVM costs
     * more than the server compiler does.
     */
    static final int MIN_BYTES = 1 << 20;

    /** The longest a compile may take apart; past it the module is compiled in the calling process instead. */
    static final Duration MAX_WAIT = Duration.ofMinutes(5);

    private CompilerProcess() {}

    /** Whether a module of {@code size} bytes is compiled apart. */
    static boolean wanted(int size) {
        return size >= MIN_BYTES && Boolean.getBoolean(PROPERTY);
    }

    /**
     * Compiles {@code bytes} into {@code cache} in another JVM; true once its entry is written. Nothing is started
     * for a cache that cannot be written (the entry is the only way back), and the child does not outlive this
     * process: it is stopped when this thread is interrupted, when it runs past {@link #MAX_WAIT}, and when this JVM
     * exits.
     */
    static boolean compile(byte[] bytes, CodeCache cache) {
        if (!cache.writable()) {
            return false;
        }
        String classPath = System.getProperty("java.class.path");
        if (classPath == null || classPath.isEmpty()) {
            return false;
        }
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                classPath,
                CompilerProcess.class.getName(),
                cache.dir().toString());
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            return false;
        }
        Thread stop = new Thread(process::destroyForcibly, "wasmesh-compile-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        try {
            try (OutputStream in = process.getOutputStream()) {
                in.write(bytes);
            }
            return process.waitFor(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            process.destroyForcibly();
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException e) {
                // this JVM is exiting already: the hook stops the child
            }
        }
    }

    /**
     * The compiling JVM: reads a module from standard input and loads it with the cache at {@code args[0]}, which
     * compiles it and stores the code. Exits 0 when the entry is there, 1 when the module did not load or its code
     * could not be stored.
     */
    public static void main(String[] args) throws IOException {
        byte[] bytes = System.in.readAllBytes();
        CodeCache cache = new CodeCache(Path.of(args[0]));
        try {
            ProxyWasmModule.fromBytes("module", bytes, ProxyWasmModule.Engine.COMPILER, cache);
        } catch (ModuleLoadException e) {
            System.exit(1);
        }
        System.exit(cache.read(CodeCache.sha256Hex(bytes)) != null ? 0 : 1);
    }
}
