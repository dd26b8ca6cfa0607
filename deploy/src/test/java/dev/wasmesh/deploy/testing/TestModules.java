package dev.wasmesh.deploy.testing;

import dev.wasmesh.testsupport.WasmBinary;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Proxy-wasm modules for tests: the repository's seed filter, and hand-assembled ones. */
public final class TestModules {
    private TestModules() {}

    public static Path seedFilterPath() {
        return RepoFiles.require("examples/seed/filter.wasm");
    }

    public static byte[] seedFilter() {
        try {
            return Files.readAllBytes(seedFilterPath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A valid module with one page of memory and one function {@code () -> ()} exported as {@code exportName} and as
     * {@code malloc}, padded with a custom section of
     * {@code padding} bytes to make it as large as a test needs.
     */
    public static byte[] minimal(String exportName, int padding) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
        WasmBinary.section(out, 1, new byte[] {1, 0x60, 0, 0}); // one type: () -> ()
        WasmBinary.section(out, 3, new byte[] {1, 0}); // one function of type 0
        WasmBinary.section(out, 5, new byte[] {1, 0, 1}); // one memory of one page
        byte[] name = exportName.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream exports = new ByteArrayOutputStream();
        exports.write(2);
        WasmBinary.leb(exports, name.length);
        exports.writeBytes(name);
        exports.write(0); // function
        exports.write(0); // index 0
        // The allocator export a proxy-wasm host looks for; its body does not matter to checks that never run it.
        WasmBinary.leb(exports, 6);
        exports.writeBytes("malloc".getBytes(StandardCharsets.US_ASCII));
        exports.write(0);
        exports.write(0);
        WasmBinary.section(out, 7, exports.toByteArray());
        WasmBinary.section(out, 10, new byte[] {1, 2, 0, 0x0b}); // one body: no locals, end
        if (padding == 0) {
            return out.toByteArray();
        }
        byte[] bytes = new byte[padding];
        for (int i = 0; i < padding; i++) {
            bytes[i] = (byte) (i * 31 + 7); // not all zeros, so gzip cannot hide a size problem
        }
        return WasmBinary.withCustomSection(out.toByteArray(), "padding", bytes);
    }
}
