package dev.wasmesh.deploy.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds files of the repository and of shared/ beside it, from whatever directory the tests run in. */
public final class RepoFiles {
    private RepoFiles() {}

    /** The first {@code relative} found in the working directory or one of its ancestors. */
    public static Optional<Path> find(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(relative);
            if (Files.exists(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    public static Path require(String relative) {
        return find(relative)
                .orElseThrow(() -> new IllegalStateException(
                        relative + " not found in " + Path.of("").toAbsolutePath() + " or any directory above it"));
    }
}
