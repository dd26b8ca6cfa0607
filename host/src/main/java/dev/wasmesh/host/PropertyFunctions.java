package dev.wasmesh.host;

import static dev.wasmesh.host.ContextFunctions.effective;
import static dev.wasmesh.host.HostFunctions.ok;

import dev.wasmesh.host.abi.AbiException;
import java.nio.charset.StandardCharsets;

/** proxy_get_property and proxy_set_property; paths are NUL-separated segments. */
final class PropertyFunctions {
    private PropertyFunctions() {}

    static String[] path(byte[] raw) {
        String s = new String(raw, StandardCharsets.UTF_8);
        if (s.endsWith("\0")) {
            s = s.substring(0, s.length() - 1); // some SDKs send a trailing NUL
        }
        if (s.isEmpty()) {
            throw AbiException.BAD_ARGUMENT;
        }
        return s.split("\0", -1);
    }

    static void register(HostFunctions b, WasmVm vm) {
        b.add("proxy_get_property", 4, a -> {
            String[] path = path(vm.memory().read(a[0], a[1]));
            byte[] value = effective(vm).property(path).orElseThrow(() -> AbiException.NOT_FOUND);
            vm.memory().returnBytes(value, a[2], a[3]);
            return ok();
        });
        b.add("proxy_set_property", 4, a -> {
            String[] path = path(vm.memory().read(a[0], a[1]));
            byte[] value = vm.memory().read(a[2], a[3]);
            Context ctx = effective(vm);
            if (ctx.streamInfo() == null) {
                throw AbiException.NOT_FOUND; // as Envoy: a value lives in a stream's state, and a root has none
            }
            ctx.setProperty(path, value);
            return ok();
        });
    }
}
