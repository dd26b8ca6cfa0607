package dev.wasmesh.cli.build;

import dev.wasmesh.testsupport.Examples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** A bin directory of shell scripts standing in for toolchains this machine may not have. */
final class FakeTools {
    /** A real filter (examples/seed) for the fake toolchains to "build": it passes the full module check. */
    static final byte[] ABI_MODULE = seedFilter();

    /** A valid module with nothing exported. */
    static final byte[] EMPTY_MODULE = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};

    private final Path bin;

    private static byte[] seedFilter() {
        try {
            return Files.readAllBytes(Examples.wasm("seed"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    FakeTools(Path bin) throws IOException {
        this.bin = Files.createDirectories(bin);
    }

    FakeTools script(String name, String body) throws IOException {
        Path script = bin.resolve(name);
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return this;
    }

    /** Only the fakes, plus the basic utilities the scripts use. */
    String path() {
        return bin + ":/usr/bin:/bin";
    }
}
