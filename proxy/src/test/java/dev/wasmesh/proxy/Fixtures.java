package dev.wasmesh.proxy;

import com.dylibso.chicory.wabt.Wat2Wasm;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test filters written in WAT (src/test/resources), compiled with wabt. */
final class Fixtures {
    private Fixtures() {}

    static String wat(String name) throws IOException {
        try (InputStream in = Fixtures.class.getResourceAsStream("/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Compiles the fixture {@code name}.wat into {@code dir/name.wasm}. */
    static Path compile(Path dir, String name) throws IOException {
        Path p = dir.resolve(name + ".wasm");
        Files.write(p, Wat2Wasm.parse(wat(name + ".wat")));
        return p;
    }

    /** The trap-on-header filter, optionally with proxy_on_vm_start answering false. */
    static Path trapFilter(Path dir, boolean failStart) throws IOException {
        String wat = wat("trap-on-header.wat");
        if (failStart) {
            wat = wat.replace(
                    "(func (export \"proxy_on_vm_start\") (param i32 i32) (result i32) (i32.const 1))",
                    "(func (export \"proxy_on_vm_start\") (param i32 i32) (result i32) (i32.const 0))");
        }
        Path p = dir.resolve(failStart ? "fail-start.wasm" : "trap.wasm");
        Files.write(p, Wat2Wasm.parse(wat));
        return p;
    }
}
