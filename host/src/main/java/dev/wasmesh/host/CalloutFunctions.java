package dev.wasmesh.host;

import static dev.wasmesh.host.ContextFunctions.effective;
import static dev.wasmesh.host.HostFunctions.i32;
import static dev.wasmesh.host.HostFunctions.ok;

import dev.wasmesh.host.abi.AbiException;
import dev.wasmesh.host.abi.HeaderPairs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** HTTP call-outs and gRPC calls and streams, handed to the environment's {@link CallTransport}. */
final class CalloutFunctions {
    private CalloutFunctions() {}

    static void register(HostFunctions b, WasmVm vm) {
        b.add("proxy_http_call", 10, a -> {
            String cluster = vm.memory().readString(a[0], a[1]);
            HeaderMap headers = HeaderPairs.decode(vm.memory().read(a[2], a[3]));
            byte[] body = vm.memory().read(a[4], a[5]);
            HeaderMap trailers = HeaderPairs.decode(vm.memory().read(a[6], a[7]));
            Duration timeout = Duration.ofMillis(a[8] & 0xFFFFFFFFL);
            // Envoy refuses a call-out without the three pseudo-headers a request needs, or to an unknown cluster.
            if (!headers.contains(":method") || !headers.contains(":path") || !headers.contains(":authority")
                    || !vm.env().transport().hasCluster(cluster)) {
                throw AbiException.BAD_ARGUMENT;
            }
            RootContext root = effective(vm).rootContext();
            int token = vm.nextCalloutToken();
            vm.memory().writeU32(a[9], token);
            HttpCallout call = new HttpCallout(root, token, cluster, headers, body, trailers, timeout);
            root.registerHttpCall(call);
            vm.env().transport().httpCall(call);
            return ok();
        });
        b.add("proxy_grpc_call", 12, a -> {
            GrpcCallout call = grpc(vm, a, a[8], a[9], Duration.ofMillis(a[10] & 0xFFFFFFFFL), false);
            vm.memory().writeU32(a[11], call.token());
            start(vm, call);
            return ok();
        });
        b.add("proxy_grpc_stream", 9, a -> {
            GrpcCallout call = grpc(vm, a, 0, 0, Duration.ZERO, true);
            vm.memory().writeU32(a[8], call.token());
            start(vm, call);
            return ok();
        });
        b.add("proxy_grpc_send", 4, a -> {
            GrpcCallout call = effective(vm).rootContext().grpcCall(i32(a[0]));
            if (!call.streaming() || call.closed()) {
                throw AbiException.BAD_ARGUMENT;
            }
            call.send(vm.memory().read(a[1], a[2]), a[3] != 0);
            return ok();
        });
        b.add("proxy_grpc_cancel", 1, a -> {
            effective(vm).rootContext().grpcCall(i32(a[0])).cancel();
            return ok();
        });
        b.add("proxy_grpc_close", 1, a -> {
            effective(vm).rootContext().grpcCall(i32(a[0])).closeFromFilter();
            return ok();
        });
    }

    private static GrpcCallout grpc(WasmVm vm, long[] a, long msgPtr, long msgLen, Duration timeout,
                                    boolean streaming) {
        String cluster = clusterName(vm.memory().read(a[0], a[1]));
        String service = vm.memory().readString(a[2], a[3]);
        String method = vm.memory().readString(a[4], a[5]);
        HeaderMap metadata = HeaderPairs.decode(vm.memory().read(a[6], a[7]));
        byte[] message = vm.memory().read(msgPtr, msgLen);
        if (service.isEmpty() || method.isEmpty() || !vm.env().transport().hasCluster(cluster)) {
            throw AbiException.BAD_ARGUMENT;
        }
        RootContext root = effective(vm).rootContext();
        return new GrpcCallout(root, vm.nextCalloutToken(), cluster, service, method, metadata, message, timeout,
                streaming);
    }

    private static void start(WasmVm vm, GrpcCallout call) {
        call.origin().registerGrpcCall(call);
        vm.env().transport().grpcCall(call);
    }

    /**
     * The upstream is either a cluster name (Rust and Go SDKs) or a serialised envoy.config.core.v3.GrpcService
     * (C++ SDK), whose field 1 (envoy_grpc) holds field 1 (cluster_name).
     */
    static String clusterName(byte[] upstream) {
        if (upstream.length > 2 && upstream[0] == 0x0a) {
            int[] pos = {1};
            int outerLen = varint(upstream, pos);
            if (outerLen > 0 && pos[0] + outerLen <= upstream.length && upstream[pos[0]] == 0x0a) {
                pos[0]++;
                int nameLen = varint(upstream, pos);
                if (nameLen >= 0 && pos[0] + nameLen <= upstream.length) {
                    return new String(upstream, pos[0], nameLen, StandardCharsets.UTF_8);
                }
            }
        }
        return new String(upstream, StandardCharsets.UTF_8);
    }

    private static int varint(byte[] b, int[] pos) {
        int value = 0;
        for (int shift = 0; shift < 32 && pos[0] < b.length; shift += 7) {
            byte x = b[pos[0]++];
            value |= (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return value;
            }
        }
        return -1;
    }
}
