package dev.wasmesh.cli;

import dev.wasmesh.host.module.ModuleInspector;
import dev.wasmesh.host.module.ModuleLoadException;
import dev.wasmesh.host.module.ModuleReport;
import dev.wasmesh.host.module.ProxyWasmModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks that a file is a proxy-wasm module this host (and so Envoy) would load, with the same checks as {@code
 * wasmesh inspect}: it parses, has an ABI marker, an allocator, and only imports the host provides. The one place
 * {@code build} asks about a module.
 */
public final class ModuleCheck {
    /** What the check found; {@code abiVersion} is e.g. {@code 0.2.1}. */
    public record Report(Path file, long size, String abiVersion, List<String> callbacks) {}

    private ModuleCheck() {}

    /** Throws a {@link CliException} with {@link ExitCode#FAILED} when the module is not a loadable filter. */
    public static Report check(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CliException(ExitCode.IO_ERROR, "cannot read " + file + ": " + e.getMessage(), e);
        }
        ModuleReport report;
        try {
            // With the compiler, as `test` and `run` load it: a module that does not compile fails here, and one that
            // does is in the code cache for them.
            report = ModuleInspector.inspect(file.toString(), bytes, ProxyWasmModule.Engine.COMPILER);
        } catch (ModuleLoadException e) {
            throw new CliException(ExitCode.FAILED, e.getMessage(), e);
        }
        if (!report.loadable()) {
            throw new CliException(ExitCode.FAILED, file + ": " + report.loadError());
        }
        return new Report(file, bytes.length, report.abiVersion(), report.callbacks());
    }
}
