package dev.wasmesh.host;

import static dev.wasmesh.host.ContextFunctions.effective;
import static dev.wasmesh.host.HostFunctions.i32;
import static dev.wasmesh.host.HostFunctions.ok;

import dev.wasmesh.host.abi.AbiException;
import dev.wasmesh.host.abi.BufferType;

/** Bodies, call-out bodies, gRPC messages, configurations and foreign-function arguments. */
final class BufferFunctions {
    private BufferFunctions() {}

    private static Body buffer(WasmVm vm, long type) {
        Body body = effective(vm).bufferOrNull(BufferType.ofCode(i32(type)));
        if (body == null) {
            throw AbiException.NOT_FOUND;
        }
        return body;
    }

    static void register(HostFunctions b, WasmVm vm) {
        b.add("proxy_get_buffer_bytes", 5, a -> {
            vm.memory().returnBytes(buffer(vm, a[0]).slice(a[1], a[2]), a[3], a[4]);
            return ok();
        });
        b.add("proxy_get_buffer_status", 3, a -> {
            Body body = buffer(vm, a[0]);
            vm.memory().writeU32(a[1], body.length());
            vm.memory().writeU32(a[2], 0);
            return ok();
        });
        b.add("proxy_set_buffer_bytes", 5, a -> {
            BufferType type = BufferType.ofCode(i32(a[0]));
            if (type == BufferType.VM_CONFIGURATION || type == BufferType.PLUGIN_CONFIGURATION) {
                throw AbiException.BAD_ARGUMENT; // configurations are read-only, as in Envoy
            }
            byte[] data = vm.memory().read(a[3], a[4]);
            buffer(vm, a[0]).write(a[1], a[2], data);
            return ok();
        });
    }
}
