package dev.wasmesh.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's committed example filters, found from wherever the tests run (a module or the root). */
public final class Examples {
    private Examples() {}

    /** The {@code examples} directory. */
    public static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("examples/seed"))) {
                return dir.resolve("examples");
            }
        }
        throw new IllegalStateException(
                "examples/ not found above " + Path.of("").toAbsolutePath());
    }

    /** {@code examples/NAME/filter.wasm}. */
    public static Path wasm(String example) {
        return root().resolve(example).resolve("filter.wasm");
    }
}
