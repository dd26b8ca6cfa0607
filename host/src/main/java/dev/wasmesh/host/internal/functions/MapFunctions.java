package dev.wasmesh.host.internal.functions;

import static dev.wasmesh.host.internal.functions.ContextFunctions.effective;
import static dev.wasmesh.host.internal.functions.HostFunctions.i32;
import static dev.wasmesh.host.internal.functions.HostFunctions.ok;

import dev.wasmesh.host.Context;
import dev.wasmesh.host.GuestAccess;
import dev.wasmesh.host.WasmVm;
import dev.wasmesh.host.abi.AbiException;
import dev.wasmesh.host.abi.AbiVersion;
import dev.wasmesh.host.abi.MapType;
import dev.wasmesh.host.abi.Status;
import dev.wasmesh.host.internal.HeaderPairs;
import dev.wasmesh.host.internal.HeaderRules;
import dev.wasmesh.host.stream.HeaderMap;

/**
 * Header maps: request/response headers and trailers, call-out response headers, gRPC metadata. As in Envoy, reads
 * see a stream's maps while they are available plus call-out maps during their callbacks; writes and sizes reach
 * only the stream's own four maps, and a map that cannot be reached now is BAD_ARGUMENT.
 */
final class MapFunctions {
    private static final byte[] NONE = new byte[0];

    private MapFunctions() {}

    private static HeaderMap mutable(WasmVm vm, MapType type) {
        HeaderMap map = GuestAccess.mutableHeaderMap(effective(vm), type);
        if (map == null) {
            throw AbiException.BAD_ARGUMENT;
        }
        return map;
    }

    static void register(HostFunctions b, WasmVm vm) {
        b.add("proxy_get_header_map_pairs", 3, a -> {
            // A map that is not there reads as empty, and an empty map is handed over as 0 bytes, as in Envoy.
            HeaderMap map = GuestAccess.headerMap(effective(vm), MapType.ofCode(i32(a[0])));
            vm.memory().returnBytes(map == null || map.isEmpty() ? NONE : HeaderPairs.encode(map), a[1], a[2]);
            return ok();
        });
        b.add("proxy_set_header_map_pairs", 3, a -> {
            MapType type = MapType.ofCode(i32(a[0]));
            HeaderMap replacement =
                    HeaderRules.check(HeaderPairs.decode(vm.memory().read(a[1], a[2])));
            mutable(vm, type).replaceAll(replacement);
            return ok();
        });
        b.add("proxy_get_header_map_size", 2, a -> {
            vm.memory().writeU32(a[1], (int)
                    mutable(vm, MapType.ofCode(i32(a[0]))).byteSize());
            return ok();
        });
        b.add("proxy_get_header_map_value", 5, a -> {
            MapType type = MapType.ofCode(i32(a[0]));
            String key = vm.memory().readByteString(a[1], a[2]);
            Context ctx = effective(vm);
            HeaderMap map = GuestAccess.headerMap(ctx, type);
            if (map == null && !GuestAccess.inAccessLog(ctx)) {
                throw AbiException.BAD_ARGUMENT;
            }
            // In proxy_on_log a missing map reads like a missing key.
            String value = map == null ? null : map.first(key);
            if (value == null) {
                // 0.1.0 answered a missing key with an empty value; 0.2.0 made it NOT_FOUND.
                // Returned rather than thrown: a missing header is common (SDKs probe for optional ones on every
                // request), and a throw across the host-call boundary unwinds through the JVM's slow path.
                if (vm.module().abiVersion().atLeast(AbiVersion.V0_2_0)) {
                    return Status.NOT_FOUND.code();
                }
                value = "";
            }
            vm.memory().returnByteString(value, a[3], a[4]);
            return ok();
        });
        b.add("proxy_add_header_map_value", 5, a -> {
            MapType type = MapType.ofCode(i32(a[0]));
            String name = vm.memory().readByteString(a[1], a[2]);
            String value = vm.memory().readByteString(a[3], a[4]);
            HeaderRules.check(name, value);
            mutable(vm, type).add(name, value);
            return ok();
        });
        b.add("proxy_replace_header_map_value", 5, a -> {
            MapType type = MapType.ofCode(i32(a[0]));
            String name = vm.memory().readByteString(a[1], a[2]);
            String value = vm.memory().readByteString(a[3], a[4]);
            HeaderRules.check(name, value);
            mutable(vm, type).set(name, value);
            return ok();
        });
        b.add("proxy_remove_header_map_value", 3, a -> {
            MapType type = MapType.ofCode(i32(a[0]));
            String name = vm.memory().readByteString(a[1], a[2]);
            mutable(vm, type).remove(name);
            return ok();
        });
    }
}
