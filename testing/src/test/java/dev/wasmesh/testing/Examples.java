package dev.wasmesh.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the committed example filters from the module's working directory. */
public final class Examples {
    private Examples() {}

    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isDirectory(dir.resolve("examples/c-all"))) {
                return dir.resolve("examples");
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException(
                "examples/ not found above " + Path.of("").toAbsolutePath());
    }

    public static Path wasm(String example) {
        return root().resolve(example).resolve("filter.wasm");
    }
}
