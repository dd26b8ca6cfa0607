package dev.wasmesh.proxy;

import dev.wasmesh.testsupport.Wat;
import java.io.IOException;
import java.nio.file.Path;

/** Test filters written in WAT (src/test/resources), compiled with wabt. */
final class Fixtures {
    private Fixtures() {}

    static String wat(String name) {
        return Wat.resource(Fixtures.class, "/" + name);
    }

    /** Compiles the fixture {@code name}.wat into {@code dir/name.wasm}. */
    static Path compile(Path dir, String name) throws IOException {
        return Wat.write(dir, name, wat(name + ".wat"));
    }

    /** The trap-on-header filter, optionally with proxy_on_vm_start answering false. */
    static Path trapFilter(Path dir, boolean failStart) throws IOException {
        String wat = wat("trap-on-header.wat");
        if (failStart) {
            wat = wat.replace(
                    "(func (export \"proxy_on_vm_start\") (param i32 i32) (result i32) (i32.const 1))",
                    "(func (export \"proxy_on_vm_start\") (param i32 i32) (result i32) (i32.const 0))");
        }
        return Wat.write(dir, failStart ? "fail-start" : "trap", wat);
    }
}
