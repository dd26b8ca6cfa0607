package dev.wasmesh.testsupport;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Pieces of the wasm binary format, for tests that build or extend modules byte by byte. */
public final class WasmBinary {
    private WasmBinary() {}

    /** {@code value} as an unsigned LEB128 number. */
    public static void leb(ByteArrayOutputStream out, int value) {
        int v = value;
        do {
            int b = v & 0x7f;
            v >>>= 7;
            out.write(v == 0 ? b : b | 0x80);
        } while (v != 0);
    }

    /** A name: its UTF-8 length, then its bytes. */
    public static void name(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        leb(out, b.length);
        out.writeBytes(b);
    }

    /** A section: its id, the length of its content, then the content. */
    public static void section(ByteArrayOutputStream out, int id, byte[] content) {
        out.write(id);
        leb(out, content.length);
        out.writeBytes(content);
    }

    /** {@code module} with a custom section {@code name} holding {@code payload} appended. */
    public static byte[] withCustomSection(byte[] module, String name, byte[] payload) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        name(content, name);
        content.writeBytes(payload);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(module);
        section(out, 0, content.toByteArray());
        return out.toByteArray();
    }
}
