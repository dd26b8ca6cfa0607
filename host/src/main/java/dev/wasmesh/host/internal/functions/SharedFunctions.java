package dev.wasmesh.host.internal.functions;

import static dev.wasmesh.host.internal.functions.ContextFunctions.effective;
import static dev.wasmesh.host.internal.functions.HostFunctions.i32;
import static dev.wasmesh.host.internal.functions.HostFunctions.ok;

import dev.wasmesh.host.GuestAccess;
import dev.wasmesh.host.RootContext;
import dev.wasmesh.host.WasmVm;
import dev.wasmesh.host.abi.AbiException;
import dev.wasmesh.host.shared.SharedData;

/** Shared data (process-wide, with CAS) and shared queues. */
final class SharedFunctions {
    private SharedFunctions() {}

    static void register(HostFunctions b, WasmVm vm) {
        b.add("proxy_get_shared_data", 5, a -> {
            String key = vm.memory().readString(a[0], a[1]);
            SharedData.Entry e = vm.env().sharedData().get(key).orElseThrow(() -> AbiException.NOT_FOUND);
            vm.memory().writeU32(a[4], e.cas());
            vm.memory().returnBytes(e.value(), a[2], a[3]);
            return ok();
        });
        b.add("proxy_set_shared_data", 5, a -> {
            String key = vm.memory().readString(a[0], a[1]);
            vm.env().sharedData().set(key, vm.memory().read(a[2], a[3]), i32(a[4]));
            return ok();
        });
        b.add("proxy_register_shared_queue", 3, a -> {
            String name = vm.memory().readString(a[0], a[1]);
            RootContext root = effective(vm).rootContext();
            int token = vm.env()
                    .queues()
                    .register(vm.vmConfig().vmId(), name, t -> vm.post(() -> GuestAccess.onQueueReady(root, t)));
            vm.memory().writeU32(a[2], token);
            return ok();
        });
        b.add("proxy_resolve_shared_queue", 5, a -> {
            String vmId = vm.memory().readString(a[0], a[1]);
            String name = vm.memory().readString(a[2], a[3]);
            int token = vm.env()
                    .queues()
                    .resolve(vmId.isEmpty() ? vm.vmConfig().vmId() : vmId, name)
                    .orElseThrow(() -> AbiException.NOT_FOUND);
            vm.memory().writeU32(a[4], token);
            return ok();
        });
        b.add("proxy_dequeue_shared_queue", 3, a -> {
            byte[] item = vm.env().queues().dequeue(i32(a[0]));
            vm.memory().returnBytes(item, a[1], a[2]);
            return ok();
        });
        b.add("proxy_enqueue_shared_queue", 3, a -> {
            vm.env().queues().enqueue(i32(a[0]), vm.memory().read(a[1], a[2]));
            return ok();
        });
    }
}
