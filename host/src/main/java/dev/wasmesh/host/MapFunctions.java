package dev.wasmesh.host;

import static dev.wasmesh.host.ContextFunctions.effective;
import static dev.wasmesh.host.HostFunctions.i32;
import static dev.wasmesh.host.HostFunctions.ok;

import dev.wasmesh.host.abi.AbiException;
import dev.wasmesh.host.abi.AbiVersion;
import dev.wasmesh.host.abi.HeaderPairs;
import dev.wasmesh.host.abi.MapType;

/** Header maps: request/response headers and trailers, call-out response headers, gRPC metadata. */
final class MapFunctions {
    private MapFunctions() {}

    private static HeaderMap readable(WasmVm vm, long type) {
        return effective(vm).readableHeaderMap(MapType.ofCode(i32(type)));
    }

    private static HeaderMap writable(WasmVm vm, long type) {
        return effective(vm).writableHeaderMap(MapType.ofCode(i32(type)));
    }

    static void register(HostFunctions b, WasmVm vm) {
        b.add("proxy_get_header_map_pairs", 3, a -> {
            vm.memory().returnBytes(HeaderPairs.encode(readable(vm, a[0])), a[1], a[2]);
            return ok();
        });
        b.add("proxy_set_header_map_pairs", 3, a -> {
            HeaderMap replacement = HeaderPairs.decode(vm.memory().read(a[1], a[2]));
            writable(vm, a[0]).replaceAll(replacement);
            return ok();
        });
        b.add("proxy_get_header_map_size", 2, a -> {
            vm.memory().writeU32(a[1], (int) readable(vm, a[0]).byteSize());
            return ok();
        });
        b.add("proxy_get_header_map_value", 5, a -> {
            HeaderMap map = readable(vm, a[0]);
            String value = map.first(vm.memory().readString(a[1], a[2]));
            if (value == null) {
                // 0.1.0 answered a missing key with an empty value; 0.2.0 made it NOT_FOUND.
                if (vm.module().abiVersion().atLeast(AbiVersion.V0_2_0)) {
                    throw AbiException.NOT_FOUND;
                }
                value = "";
            }
            vm.memory().returnString(value, a[3], a[4]);
            return ok();
        });
        b.add("proxy_add_header_map_value", 5, a -> {
            String name = vm.memory().readString(a[1], a[2]);
            String value = vm.memory().readString(a[3], a[4]);
            writable(vm, a[0]).add(name, value);
            return ok();
        });
        b.add("proxy_replace_header_map_value", 5, a -> {
            String name = vm.memory().readString(a[1], a[2]);
            String value = vm.memory().readString(a[3], a[4]);
            writable(vm, a[0]).set(name, value);
            return ok();
        });
        b.add("proxy_remove_header_map_value", 3, a -> {
            writable(vm, a[0]).remove(vm.memory().readString(a[1], a[2]));
            return ok();
        });
    }
}
