package dev.wasmesh.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's example filters, found from wherever the tests run (the module or the repository root). */
public final class Examples {
    private Examples() {}

    /** {@code examples/NAME/filter.wasm}. */
    public static Path wasm(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path wasm = dir.resolve("examples").resolve(name).resolve("filter.wasm");
            if (Files.isRegularFile(wasm)) {
                return wasm;
            }
        }
        throw new IllegalStateException("examples/" + name + "/filter.wasm not found above "
                + Path.of("").toAbsolutePath());
    }
}
