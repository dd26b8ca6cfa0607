package dev.wasmesh.host.internal.functions;

import static dev.wasmesh.host.internal.functions.ContextFunctions.effective;
import static dev.wasmesh.host.internal.functions.HostFunctions.i32;
import static dev.wasmesh.host.internal.functions.HostFunctions.ok;

import dev.wasmesh.host.GuestAccess;
import dev.wasmesh.host.GuestLimits;
import dev.wasmesh.host.WasmVm;
import dev.wasmesh.host.abi.AbiException;
import dev.wasmesh.host.abi.BufferType;
import dev.wasmesh.host.stream.Body;
import java.util.EnumSet;
import java.util.Set;

/** Bodies, call-out bodies, gRPC messages, configurations and foreign-function arguments. */
final class BufferFunctions {
    /** Envoy hands these over even when there is nothing: an empty buffer that cannot be written. */
    private static final Set<BufferType> ALWAYS_THERE = EnumSet.of(
            BufferType.HTTP_REQUEST_BODY,
            BufferType.HTTP_RESPONSE_BODY,
            BufferType.DOWNSTREAM_DATA,
            BufferType.UPSTREAM_DATA,
            BufferType.GRPC_CALL_MESSAGE);
    /** Envoy keeps these as plain strings, which a filter cannot write. */
    private static final Set<BufferType> READ_ONLY = EnumSet.of(
            BufferType.VM_CONFIGURATION,
            BufferType.PLUGIN_CONFIGURATION,
            BufferType.HTTP_CALL_RESPONSE_BODY,
            BufferType.FOREIGN_FUNCTION_ARGUMENTS);

    private static final Body NOTHING = new Body();

    private BufferFunctions() {}

    /** The buffer to read: the one there now, an empty one for the ALWAYS_THERE types, else NOT_FOUND. */
    private static Body readable(WasmVm vm, BufferType type) {
        Body body = GuestAccess.buffer(effective(vm), type);
        if (body != null) {
            return body;
        }
        if (ALWAYS_THERE.contains(type)) {
            return NOTHING;
        }
        throw AbiException.NOT_FOUND;
    }

    static void register(HostFunctions b, WasmVm vm) {
        b.add("proxy_get_buffer_bytes", 5, a -> {
            Body body = readable(vm, BufferType.ofCode(i32(a[0])));
            vm.memory().returnBytes(body.slice(a[1], a[2]), a[3], a[4]);
            return ok();
        });
        b.add("proxy_get_buffer_status", 3, a -> {
            Body body = readable(vm, BufferType.ofCode(i32(a[0])));
            vm.memory().writeU32(a[1], body.length());
            vm.memory().writeU32(a[2], 0);
            return ok();
        });
        b.add("proxy_set_buffer_bytes", 5, a -> {
            BufferType type = BufferType.ofCode(i32(a[0]));
            Body body = readable(vm, type);
            byte[] data = vm.memory().read(a[3], a[4]);
            if (body == NOTHING || READ_ONLY.contains(type)) {
                throw AbiException.BAD_ARGUMENT;
            }
            body.write(a[1], a[2], data, GuestLimits.HOST_CALL_MAX_BYTES);
            return ok();
        });
    }
}
