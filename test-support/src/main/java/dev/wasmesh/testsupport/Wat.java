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
        ByteArrayOutputStream names = new ByteArrayOutputStream();
        int count = 0;
        ByteArrayOutputStream entries = new ByteArrayOutputStream();
        Matcher m = FUNC.matcher(wat.replaceAll(";;[^\\n]*", ""));
        for (int index = 0; m.find(); index++) {
            if (m.group(1) != null) {
                leb(entries, index);
                string(entries, m.group(1));
                count++;
            }
        }
        ByteArrayOutputStream subsection = new ByteArrayOutputStream();
        leb(subsection, count);
        subsection.writeBytes(entries.toByteArray());
        string(names, "name");
        names.write(1); // function names
        leb(names, subsection.size());
        names.writeBytes(subsection.toByteArray());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(wasm);
        out.write(0); // custom section
        leb(out, names.size());
        out.writeBytes(names.toByteArray());
        return out.toByteArray();
    }

    private static void string(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        leb(out, b.length);
        out.writeBytes(b);
    }

    private static void leb(ByteArrayOutputStream out, int value) {
        int v = value;
        do {
            int b = v & 0x7f;
            v >>>= 7;
            out.write(v == 0 ? b : b | 0x80);
        } while (v != 0);
    }
}
