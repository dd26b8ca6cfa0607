package dev.wasmesh.testsupport;

import com.dylibso.chicory.wabt.Wat2Wasm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test filters written in WAT, compiled with Chicory's wabt. wat2wasm runs without --debug-names, so the function
 * names the host shows in wasm stacks are added here as a name section, taken from the {@code (func $name}
 * declarations in order (fixtures declare no {@code (type (func ...))} entries, so every {@code (func} is one
 * function index).
 */
public final class Wat {
    private static final Pattern FUNC = Pattern.compile("\\(func(?:\\s+\\$([A-Za-z0-9_.]+))?");

    private Wat() {}

    /** The text of the class-path resource {@code path} (e.g. {@code /wat/trap.wat}) as seen from {@code owner}. */
    public static String resource(Class<?> owner, String path) {
        try (InputStream in = owner.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no WAT fixture " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Compiles {@code wat} into {@code dir/name.wasm}. */
    public static Path write(Path dir, String name, String wat) throws IOException {
        Path p = dir.resolve(name + ".wasm");
        Files.write(p, compile(wat));
        return p;
    }

    /** wasm bytes for {@code wat}, with a name section naming its functions. */
    public static byte[] compile(String wat) {
        byte[] wasm = Wat2Wasm.parse(wat);
        int count = 0;
        ByteArrayOutputStream entries = new ByteArrayOutputStream();
        Matcher m = FUNC.matcher(wat.replaceAll(";;[^\\n]*", ""));
        for (int index = 0; m.find(); index++) {
            if (m.group(1) != null) {
                WasmBinary.leb(entries, index);
                WasmBinary.name(entries, m.group(1));
                count++;
            }
        }
        ByteArrayOutputStream functionNames = new ByteArrayOutputStream();
        WasmBinary.leb(functionNames, count);
        functionNames.writeBytes(entries.toByteArray());
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        WasmBinary.section(payload, 1, functionNames.toByteArray()); // the function-names subsection
        return WasmBinary.withCustomSection(wasm, "name", payload.toByteArray());
    }
}
