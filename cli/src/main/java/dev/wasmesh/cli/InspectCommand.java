package dev.wasmesh.cli;

import dev.wasmesh.host.module.ModuleInspector;
import dev.wasmesh.host.module.ModuleLoadException;
import dev.wasmesh.host.module.ModuleReport;
import dev.wasmesh.testing.cli.OutputOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code wasmesh inspect FILE}: what a module is, what it needs, and whether this host can run it. */
@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        header = "Describe a module and say whether it loads here.",
        description = {
            "Show a module's proxy-wasm ABI, callbacks, imports (and which this host lacks), start-up, allocator,",
            "memory, size and producing toolchain, then a verdict: loadable here or not, and why."
        },
        footerHeading = "%nExamples:%n",
        footer = {"  wasmesh inspect filter.wasm", "  wasmesh inspect filter.wasm --output json"})
public final class InspectCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The .wasm module to inspect.")
    private Path file;

    @Mixin(name = OutputOptions.MIXIN_NAME)
    private OutputOptions output;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        if (Files.isDirectory(file)) {
            throw new CliException(
                    ExitCode.USAGE, file + " is a directory: give the .wasm file, e.g. " + file.resolve("filter.wasm"));
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCode.USAGE, file + ": no such file");
        } catch (IOException e) {
            throw new CliException(ExitCode.IO_ERROR, "cannot read " + file + ": " + e.getMessage(), e);
        }
        ModuleReport report;
        try {
            report = ModuleInspector.inspect(file.getFileName().toString(), bytes);
        } catch (ModuleLoadException e) {
            throw new CliException(ExitCode.FAILED, e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        output.print(out, toMap(report), text(report));
        return report.loadable() ? ExitCode.OK : ExitCode.FAILED;
    }

    private static Map<String, Object> toMap(ModuleReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", r.name());
        m.put("size", r.sizeBytes());
        m.put("abiVersion", r.abiVersion());
        m.put("callbacks", r.callbacks());
        Map<String, Object> imports = new LinkedHashMap<>();
        imports.put("proxyWasm", r.proxyImports());
        imports.put("wasi", r.wasiImports());
        imports.put("other", r.otherImports());
        m.put("imports", imports);
        m.put("missingImports", r.missingImports());
        m.put("start", r.startFunction());
        m.put("allocator", r.allocator());
        Map<String, Object> memory = new LinkedHashMap<>();
        memory.put("initialPages", r.initialMemoryPages());
        // null rather than the report's -1: JSON readers should not mistake "no maximum" for a number of pages.
        memory.put("maximumPages", r.maximumMemoryPages() < 0 ? null : r.maximumMemoryPages());
        m.put("memory", memory);
        m.put("customSections", customSections(r));
        m.put("producers", r.producers());
        m.put("toolchain", r.toolchain());
        m.put("loadable", r.loadable());
        m.put("verdict", r.verdict());
        return m;
    }

    /** Sorted: the inspector's list comes in no fixed order, and output that changes between runs confuses diffs. */
    private static List<String> customSections(ModuleReport r) {
        return r.customSections().stream().sorted().toList();
    }

    private static String text(ModuleReport r) {
        StringBuilder sb = new StringBuilder();
        line(sb, "file", r.name() + " (" + r.sizeBytes() + " bytes)");
        line(sb, "ABI", r.abiVersion() == null ? "none (no proxy_abi_version_* export)" : r.abiVersion());
        line(sb, "toolchain", r.toolchain());
        line(sb, "start-up", r.startFunction());
        line(sb, "allocator", r.allocator() == null ? "none" : r.allocator());
        line(
                sb,
                "memory",
                r.initialMemoryPages()
                        + " pages initially, "
                        + (r.maximumMemoryPages() < 0 ? "no maximum" : "at most " + r.maximumMemoryPages()));
        list(sb, "callbacks", r.callbacks());
        list(sb, "proxy-wasm imports", r.proxyImports());
        list(sb, "WASI imports", r.wasiImports());
        list(sb, "other imports", r.otherImports());
        list(sb, "missing here", r.missingImports());
        list(sb, "custom sections", customSections(r));
        r.producers().forEach((field, values) -> line(sb, "producers." + field, String.join(", ", values)));
        sb.append("verdict: ").append(r.verdict());
        return sb.toString();
    }

    private static void line(StringBuilder sb, String label, String value) {
        sb.append(label).append(": ").append(value).append('\n');
    }

    private static void list(StringBuilder sb, String label, List<String> values) {
        line(sb, label + " (" + values.size() + ")", values.isEmpty() ? "-" : String.join(", ", values));
    }
}
