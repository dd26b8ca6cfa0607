package dev.wasmesh.host.module;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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

    private CompilerProcess() {}

    /** Whether a module of {@code size} bytes is compiled apart. */
    static boolean wanted(int size) {
        return size >= MIN_BYTES && Boolean.getBoolean(PROPERTY);
    }

    /** Compiles {@code bytes} into {@code cache} in another JVM; true once its entry is written. */
    static boolean compile(byte[] bytes, CodeCache cache) {
        Optional<String> java = ProcessHandle.current().info().command();
        String classPath = System.getProperty("java.class.path");
        if (java.isEmpty() || classPath == null || classPath.isEmpty()) {
            return false;
        }
        List<String> command = new ArrayList<>(List.of(
                java.get(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xshare:auto",
                "-cp",
                classPath,
                CompilerProcess.class.getName(),
                cache.dir().toString()));
        Process process = null;
        try {
            process = new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(bytes);
            }
            return process.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

    /**
     * The compiling JVM: reads a module from standard input and loads it with the cache at {@code args[0]}, which
     * compiles it and stores the code. Exits 0 when the module loaded, 1 when it did not.
     */
    public static void main(String[] args) throws IOException {
        byte[] bytes = System.in.readAllBytes();
        try {
            ProxyWasmModule.fromBytes(
                    "module", bytes, ProxyWasmModule.Engine.COMPILER, new CodeCache(Path.of(args[0])));
        } catch (ModuleLoadException e) {
            System.exit(1);
        }
        System.exit(0);
    }
}
