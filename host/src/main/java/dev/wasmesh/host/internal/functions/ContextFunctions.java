package dev.wasmesh.host.internal.functions;

import static dev.wasmesh.host.internal.functions.HostFunctions.i32;
import static dev.wasmesh.host.internal.functions.HostFunctions.ok;

import dev.wasmesh.host.Context;
import dev.wasmesh.host.ForeignFunction;
import dev.wasmesh.host.GuestAccess;
import dev.wasmesh.host.HttpContext;
import dev.wasmesh.host.RootContext;
import dev.wasmesh.host.WasmVm;
import dev.wasmesh.host.abi.AbiException;
import dev.wasmesh.host.abi.BufferType;
import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.host.abi.StreamType;
import dev.wasmesh.host.internal.HeaderPairs;
import dev.wasmesh.host.internal.HeaderRules;
import dev.wasmesh.host.stream.Body;
import dev.wasmesh.host.stream.LocalResponse;

/**
 * Logging, time, timers, effective context, stream control, local responses, foreign functions, and the 0.1.0
 * names of some of these.
 */
final class ContextFunctions {
    private ContextFunctions() {}

    static Context effective(WasmVm vm) {
        Context c = vm.effectiveContext();
        if (c == null) {
            throw AbiException.NOT_FOUND; // start-up code runs outside any context
        }
        return c;
    }

    static void register(HostFunctions b, WasmVm vm) {
        b.add("proxy_log", 3, a -> {
            LogLevel level = LogLevel.ofCode(i32(a[0]));
            vm.log(level, vm.memory().readString(a[1], a[2]));
            return ok();
        });
        b.add("proxy_get_log_level", 1, a -> {
            vm.memory().writeU32(a[0], vm.logLevel().ordinal());
            return ok();
        });
        b.add("proxy_get_current_time_nanoseconds", 1, a -> {
            vm.memory().writeU64(a[0], vm.env().clock().realtimeNanos());
            return ok();
        });
        b.add("proxy_set_tick_period_milliseconds", 1, a -> {
            GuestAccess.tickPeriodMillis(effective(vm).rootContext(), a[0] & 0xFFFFFFFFL);
            return ok();
        });
        b.add("proxy_set_effective_context", 1, a -> {
            if (!vm.setEffectiveContext(i32(a[0]))) {
                throw AbiException.BAD_ARGUMENT;
            }
            return ok();
        });
        b.add("proxy_done", 0, a -> {
            GuestAccess.done(effective(vm));
            return ok();
        });
        b.add("proxy_continue_stream", 1, a -> {
            GuestAccess.continueStream(effective(vm), StreamType.ofCode(i32(a[0])));
            return ok();
        });
        b.add("proxy_close_stream", 1, a -> {
            GuestAccess.closeStream(effective(vm), StreamType.ofCode(i32(a[0])));
            return ok();
        });
        b.add("proxy_send_local_response", 8, a -> {
            String details = vm.memory().readString(a[1], a[2]);
            byte[] body = vm.memory().read(a[3], a[4]);
            byte[] headers = vm.memory().read(a[5], a[6]);
            // As Envoy: without an HTTP stream there is nothing to answer, and that is OK.
            if (effective(vm) instanceof HttpContext http) {
                int status = i32(a[0]);
                if (status < 100 || status > 999) {
                    throw AbiException.BAD_ARGUMENT;
                }
                GuestAccess.sendLocalResponse(
                        http,
                        new LocalResponse(
                                status, details, body, HeaderRules.check(HeaderPairs.decode(headers)), i32(a[7])));
            }
            GuestAccess.localReplySent(vm);
            return ok();
        });
        b.add("proxy_call_foreign_function", 6, a -> {
            String name = vm.memory().readString(a[0], a[1]);
            byte[] args = vm.memory().read(a[2], a[3]);
            ForeignFunction f = vm.env().foreignFunction(name).orElseThrow(() -> AbiException.NOT_FOUND);
            byte[] result = f.call(args, effective(vm));
            vm.memory().returnBytes(result == null ? new byte[0] : result, a[4], a[5]);
            return ok();
        });
        b.add("proxy_get_status", 3, a -> {
            RootContext root = effective(vm).rootContext();
            vm.memory().writeU32(a[0], GuestAccess.statusCode(root));
            vm.memory().returnString(GuestAccess.statusMessage(root), a[1], a[2]);
            return ok();
        });

        // ABI 0.1.0 names.
        b.add("proxy_get_configuration", 2, a -> {
            Context c = effective(vm);
            Body config = c.buffer(BufferType.PLUGIN_CONFIGURATION)
                    .or(() -> c.buffer(BufferType.VM_CONFIGURATION))
                    .orElseThrow(() -> AbiException.NOT_FOUND);
            vm.memory().returnBytes(config.toByteArray(), a[0], a[1]);
            return ok();
        });
        b.add("proxy_continue_request", 0, a -> {
            GuestAccess.continueStream(effective(vm), StreamType.HTTP_REQUEST);
            return ok();
        });
        b.add("proxy_continue_response", 0, a -> {
            GuestAccess.continueStream(effective(vm), StreamType.HTTP_RESPONSE);
            return ok();
        });
        // The proxy picks the route after the filter chain has run, so there is no cached route to clear.
        b.add("proxy_clear_route_cache", 0, a -> ok());
    }
}
