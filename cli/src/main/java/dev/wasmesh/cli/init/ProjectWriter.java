package dev.wasmesh.cli.init;

import dev.wasmesh.cli.CliException;
import dev.wasmesh.cli.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Writes a project so that a failure leaves nothing half-written: every file goes to a temporary
 * directory next to the target first, which is then renamed into place (or, when the target
 * directory already exists, whose files are renamed into it one by one).
 */
final class ProjectWriter {
    private ProjectWriter() {}

    /** Refuses a target that is (or lies under) a file, or a non-empty directory unless {@code force}. */
    static void checkTarget(Path dir, boolean force) {
        Path existing = dir.toAbsolutePath().normalize();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing != null && !Files.isDirectory(existing)) {
            throw new CliException(ExitCode.USAGE, existing + " exists and is not a directory");
        }
        if (!force && Files.isDirectory(dir) && !isEmpty(dir)) {
            throw new CliException(
                    ExitCode.USAGE,
                    dir + " is not empty; choose a new directory, or use --force to add the project to it"
                            + " (files of the same name are replaced)");
        }
    }

    static void write(Path dir, Map<String, byte[]> files) {
        Path target = dir.toAbsolutePath().normalize();
        checkNoConflicts(target, files);
        Path staging = null;
        try {
            Path parent = target.getParent();
            Files.createDirectories(parent);
            // Not createTempDirectory: its 0700 mode would become the project's after the rename.
            staging = Files.createDirectory(
                    parent.resolve("." + target.getFileName() + ".wasmesh-init-" + UUID.randomUUID()));
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                Path path = staging.resolve(file.getKey());
                Files.createDirectories(path.getParent());
                Files.write(path, file.getValue());
            }
            // An existing directory stays (it may be the user's working directory); its new files move in.
            if (Files.exists(target)) {
                moveEach(staging, target, files);
                deleteTree(staging);
            } else {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            if (staging != null) {
                deleteTree(staging);
            }
            throw new CliException(ExitCode.IO_ERROR, "cannot write the project to " + target + ": " + e, e);
        }
    }

    /**
     * With --force the files move into an existing directory one by one, so anything that would stop a move part way
     * (a directory where a file goes, a file where a directory goes) is refused before the first one.
     */
    private static void checkNoConflicts(Path target, Map<String, byte[]> files) {
        for (String relative : files.keySet()) {
            Path destination = target.resolve(relative);
            if (Files.isDirectory(destination)) {
                throw new CliException(
                        ExitCode.USAGE,
                        "cannot add the project to " + target + ": " + relative + " is a directory there");
            }
            for (Path parent = destination.getParent(); !parent.equals(target); parent = parent.getParent()) {
                if (Files.exists(parent) && !Files.isDirectory(parent)) {
                    throw new CliException(
                            ExitCode.USAGE,
                            "cannot add the project to " + target + ": " + target.relativize(parent)
                                    + " is a file there");
                }
            }
        }
    }

    private static void moveEach(Path from, Path to, Map<String, byte[]> files) throws IOException {
        for (String relative : files.keySet()) {
            Path destination = to.resolve(relative);
            Files.createDirectories(destination.getParent());
            Files.move(
                    from.resolve(relative),
                    destination,
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new CliException(ExitCode.IO_ERROR, "cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Best effort: this runs while another failure is being reported. */
    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        } catch (IOException ignored) {
            // The staging directory is hidden and named after the target, so a leftover is recognisable.
        }
    }
}
