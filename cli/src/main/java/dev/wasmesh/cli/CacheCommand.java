package dev.wasmesh.cli;

import dev.wasmesh.host.module.CodeCache;
import dev.wasmesh.testing.cli.OutputOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code wasmesh cache [clear]}: the compiled modules that {@code run}, {@code test} and {@code build} keep on disk. */
@Command(
        name = "cache",
        mixinStandardHelpOptions = true,
        header = "Show or clear the cache of compiled modules.",
        description = {
            "run, test, build and --watch reloads keep each module's compiled code (JVM bytecode) on disk, keyed by the",
            "module's SHA-256 and the wasmesh and Chicory versions, so the next start skips the compiler. Entries of other",
            "versions, and corrupt ones, are ignored and rebuilt.",
            "The cache is in -Dwasmesh.cache.dir (JAVA_OPTS), else $WASMESH_CACHE_DIR, else $XDG_CACHE_HOME/wasmesh, else",
            "~/.cache/wasmesh.",
        },
        subcommands = {CacheCommand.Clear.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  wasmesh cache",
            "  wasmesh cache --output json",
            "  wasmesh cache clear",
            "  WASMESH_CACHE_DIR=/tmp/wasmesh-cache wasmesh run filter.wasm",
            "  wasmesh cache --dir /tmp/wasmesh-cache clear",
        })
public final class CacheCommand implements Callable<Integer> {
    @Option(names = "--dir", paramLabel = "DIR", description = "The cache directory (default: as described above).")
    private Path dir;

    @Mixin(name = OutputOptions.MIXIN_NAME)
    private OutputOptions output;

    @Spec
    private CommandSpec spec;

    CodeCache cache() {
        return dir != null ? new CodeCache(dir) : CodeCache.standard();
    }

    @Override
    public Integer call() {
        CodeCache cache = cache();
        List<CodeCache.Entry> entries;
        try {
            entries = cache.entries();
        } catch (IOException e) {
            throw new CliException(
                    ExitCode.IO_ERROR, "cannot read the cache " + cache.dir() + ": " + e.getMessage(), e);
        }
        long total = entries.stream().mapToLong(CodeCache.Entry::sizeBytes).sum();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("dir", cache.dir().toString());
        json.put("wasmeshVersion", CodeCache.wasmeshVersion());
        json.put("chicoryVersion", CodeCache.chicoryVersion());
        json.put("totalBytes", total);
        List<Map<String, Object>> list = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        text.append("cache: ").append(cache.dir()).append('\n');
        text.append("entries: ")
                .append(entries.size())
                .append(", ")
                .append(size(total))
                .append('\n');
        for (CodeCache.Entry e : entries) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", e.file().getFileName().toString());
            m.put("module", e.module());
            m.put("sizeBytes", e.sizeBytes());
            m.put("wasmeshVersion", e.wasmeshVersion());
            m.put("chicoryVersion", e.chicoryVersion());
            m.put("usable", e.usable());
            list.add(m);
            text.append(String.format(
                    Locale.ROOT,
                    "  %s  %9s  wasmesh %s, Chicory %s%s%n",
                    shortSha(e.module()),
                    size(e.sizeBytes()),
                    e.wasmeshVersion(),
                    e.chicoryVersion(),
                    e.usable() ? "" : "  (not usable here: another build's or corrupt)"));
        }
        json.put("entries", list);
        PrintWriter out = spec.commandLine().getOut();
        output.print(out, json, text.toString().stripTrailing());
        return ExitCode.OK;
    }

    /** {@code wasmesh cache clear}. */
    @Command(
            name = "clear",
            mixinStandardHelpOptions = true,
            header = "Remove every compiled module from the cache.",
            description = "Remove the cache's entries (of every version), the class-data archives the wasmesh launcher"
                    + " keeps in its jvm/ directory, and leftover temporary files; nothing else.",
            footerHeading = "%nExamples:%n",
            footer = {"  wasmesh cache clear", "  wasmesh cache --dir /tmp/wasmesh-cache clear"})
    static final class Clear implements Callable<Integer> {
        @ParentCommand
        private CacheCommand parent;

        @Spec
        private CommandSpec spec;

        @Override
        public Integer call() {
            CodeCache cache = parent.cache();
            int removed;
            try {
                removed = cache.clear() + clearClassArchives(cache.dir().resolve("jvm"));
            } catch (IOException e) {
                throw new CliException(
                        ExitCode.IO_ERROR, "cannot clear the cache " + cache.dir() + ": " + e.getMessage(), e);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("removed " + removed + (removed == 1 ? " file" : " files") + " from " + cache.dir());
            out.flush();
            return ExitCode.OK;
        }
    }

    /** The launcher's class-data archives ({@code *.jsa}, finished or partly written); it records them anew. */
    private static int clearClassArchives(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> archives = Files.newDirectoryStream(dir, "*.jsa")) {
            for (Path a : archives) {
                if (Files.deleteIfExists(a)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    private static String shortSha(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) : sha;
    }

    private static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }
}
