package dev.wasmesh.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The example filters the benchmarks run; their filter.wasm files are copied into the jar at build time. */
public enum ExampleFilter {
    /** Sets {@code hello: world} on the response headers: the per-request benchmark filter. */
    SEED("seed"),
    /** Calls every host-function family; for {@code /} it takes the plain route (see examples/README.md). */
    C_ALL("c-all"),
    /** examples/go: the official Go SDK on Go's wasip1 port; for {@code /} it counts and adds {@code x-go-path}. */
    GO("go"),
    /** examples/rust-sdk: the official Rust SDK; for {@code /} it counts and adds {@code x-rust-sdk-path}. */
    RUST_SDK("rust-sdk");

    private final String directory;

    ExampleFilter(String directory) {
        this.directory = directory;
    }

    public String directory() {
        return directory;
    }

    public byte[] wasm() {
        String resource = "/examples/" + directory + "/filter.wasm";
        try (InputStream in = ExampleFilter.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath: build bench with Maven");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
