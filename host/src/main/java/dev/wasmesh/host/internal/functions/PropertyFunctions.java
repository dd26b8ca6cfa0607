package dev.wasmesh.host.internal.functions;

import static dev.wasmesh.host.internal.functions.ContextFunctions.effective;
import static dev.wasmesh.host.internal.functions.HostFunctions.ok;

import dev.wasmesh.host.Context;
import dev.wasmesh.host.GuestAccess;
import dev.wasmesh.host.WasmVm;
import dev.wasmesh.host.abi.AbiException;
import dev.wasmesh.host.stream.StreamInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** proxy_get_property and proxy_set_property; paths are NUL-separated segments. */
final class PropertyFunctions {
    private PropertyFunctions() {}

    /**
     * The segments as Envoy's getProperty reads them: split at each NUL, where a NUL at the very end starts no
     * further segment (some SDKs send one), so {@code ""} has no segment and {@code "\0"} one empty one.
     */
    static String[] path(byte[] raw) {
        String s = new String(raw, StandardCharsets.UTF_8);
        List<String> segments = new ArrayList<>();
        int start = 0;
        while (start < s.length()) {
            int end = s.indexOf('\0', start);
            if (end < 0) {
                end = s.length();
            }
            segments.add(s.substring(start, end));
            start = end + 1;
        }
        return segments.toArray(new String[0]);
    }

    static void register(HostFunctions b, WasmVm vm) {
        b.add("proxy_get_property", 4, a -> {
            String[] path = path(vm.memory().read(a[0], a[1]));
            if (path.length == 0) {
                throw AbiException.SERIALIZATION_FAILURE; // as Envoy, which serialises the null value it starts with
            }
            byte[] value = effective(vm).property(path).orElseThrow(() -> AbiException.NOT_FOUND);
            vm.memory().returnBytes(value, a[2], a[3]);
            return ok();
        });
        b.add("proxy_set_property", 4, a -> {
            String key = vm.memory().readString(a[0], a[1]);
            byte[] value = vm.memory().read(a[2], a[3]);
            Context ctx = effective(vm);
            StreamInfo info = GuestAccess.streamInfo(ctx);
            if (info == null) {
                throw AbiException.NOT_FOUND; // as Envoy: a value lives in a stream's state, and a root has none
            }
            if (GuestAccess.readonlyProperty(ctx.rootContext(), key) && info.hasFilterState(key)) {
                throw AbiException.BAD_ARGUMENT; // declare_property(readonly): set once
            }
            info.setFilterState(key, value);
            return ok();
        });
    }
}
