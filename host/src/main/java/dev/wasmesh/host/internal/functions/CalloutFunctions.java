package dev.wasmesh.host.internal.functions;

import static dev.wasmesh.host.internal.functions.ContextFunctions.effective;
import static dev.wasmesh.host.internal.functions.HostFunctions.i32;
import static dev.wasmesh.host.internal.functions.HostFunctions.ok;

import dev.wasmesh.host.CallTransport;
import dev.wasmesh.host.GrpcCallout;
import dev.wasmesh.host.GuestAccess;
import dev.wasmesh.host.HttpCallout;
import dev.wasmesh.host.RootContext;
import dev.wasmesh.host.WasmVm;
import dev.wasmesh.host.abi.AbiException;
import dev.wasmesh.host.internal.HeaderPairs;
import dev.wasmesh.host.internal.HeaderRules;
import dev.wasmesh.host.stream.HeaderMap;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/** HTTP call-outs and gRPC calls and streams, handed to the environment's {@link CallTransport}. */
final class CalloutFunctions {
    /** Call-out kinds, the low two bits of their tokens (as in Envoy). */
    static final int HTTP_CALL = 0;

    static final int GRPC_CALL = 1;
    static final int GRPC_STREAM = 2;

    private CalloutFunctions() {}

    private static int kind(long token) {
        return (int) token & 3;
    }

    static void register(HostFunctions b, WasmVm vm) {
        b.add("proxy_http_call", 10, a -> {
            String cluster = vm.memory().readString(a[0], a[1]);
            HeaderMap headers = HeaderRules.check(HeaderPairs.decode(vm.memory().read(a[2], a[3])));
            byte[] body = vm.memory().read(a[4], a[5]);
            HeaderMap trailers =
                    HeaderRules.check(HeaderPairs.decode(vm.memory().read(a[6], a[7])));
            // Envoy reads the timeout as a signed int and refuses a negative one, an unknown cluster, and a request
            // without the three pseudo-headers it needs.
            int timeoutMillis = i32(a[8]);
            if (timeoutMillis < 0
                    || !vm.env().transport().hasCluster(cluster)
                    || !headers.contains(":method")
                    || !headers.contains(":path")
                    || !headers.contains(":authority")) {
                throw AbiException.BAD_ARGUMENT;
            }
            RootContext root = effective(vm).rootContext();
            int token = GuestAccess.nextCalloutToken(vm, HTTP_CALL);
            vm.memory().writeU32(a[9], token);
            HttpCallout call = GuestAccess.newHttpCall(
                    root, token, cluster, headers, body, trailers, Duration.ofMillis(timeoutMillis));
            GuestAccess.registerHttpCall(root, call);
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
        // As Envoy, a token is checked for its kind before it is looked up.
        b.add("proxy_grpc_send", 4, a -> {
            byte[] message = vm.memory().read(a[1], a[2]);
            if (kind(a[0]) != GRPC_STREAM) {
                throw AbiException.BAD_ARGUMENT;
            }
            GuestAccess.send(GuestAccess.grpcCall(effective(vm).rootContext(), i32(a[0])), message, a[3] != 0);
            return ok();
        });
        b.add("proxy_grpc_cancel", 1, a -> {
            requireGrpc(a[0]);
            GuestAccess.cancel(GuestAccess.removeGrpcCall(effective(vm).rootContext(), i32(a[0])));
            return ok();
        });
        b.add("proxy_grpc_close", 1, a -> {
            requireGrpc(a[0]);
            RootContext root = effective(vm).rootContext();
            GrpcCallout call = GuestAccess.grpcCall(root, i32(a[0]));
            if (!call.streaming()) {
                GuestAccess.cancel(
                        GuestAccess.removeGrpcCall(root, call.token())); // as Envoy: closing a unary call cancels it
            } else {
                GuestAccess.closeFromFilter(call);
                if (GuestAccess.remoteClosed(call)) {
                    GuestAccess.removeGrpcCall(
                            root, call.token()); // as Envoy: closed on both sides, the stream is gone
                }
                // otherwise the token stays known until the server's close has been delivered
            }
            return ok();
        });
    }

    private static void requireGrpc(long token) {
        if (kind(token) != GRPC_CALL && kind(token) != GRPC_STREAM) {
            throw AbiException.BAD_ARGUMENT;
        }
    }

    private static GrpcCallout grpc(
            WasmVm vm, long[] a, long msgPtr, long msgLen, Duration timeout, boolean streaming) {
        byte[] upstream = vm.memory().read(a[0], a[1]);
        String service = vm.memory().readByteString(a[2], a[3]);
        String method = vm.memory().readByteString(a[4], a[5]);
        HeaderMap metadata = HeaderRules.check(HeaderPairs.decode(vm.memory().read(a[6], a[7])));
        byte[] message = vm.memory().read(msgPtr, msgLen);
        GrpcTarget target = GrpcTarget.of(upstream);
        if (!vm.env().transport().hasCluster(target.cluster)) {
            // Envoy: PARSE_FAILURE for an unknown cluster name; a GrpcService it would accept and fail later.
            throw target.fromService ? AbiException.BAD_ARGUMENT : AbiException.PARSE_FAILURE;
        }
        // Service and method become the request's :path.
        if (service.isEmpty() || method.isEmpty() || !HeaderRules.safe(service) || !HeaderRules.safe(method)) {
            throw AbiException.BAD_ARGUMENT;
        }
        RootContext root = effective(vm).rootContext();
        return GuestAccess.newGrpcCall(
                root,
                GuestAccess.nextCalloutToken(vm, streaming ? GRPC_STREAM : GRPC_CALL),
                target.cluster,
                service,
                method,
                metadata,
                message,
                timeout,
                streaming);
    }

    private static void start(WasmVm vm, GrpcCallout call) {
        GuestAccess.registerGrpcCall(call.origin(), call);
        vm.env().transport().grpcCall(call);
    }

    /**
     * Where a gRPC call goes. Envoy first parses the upstream as a serialised envoy.config.core.v3.GrpcService (the
     * C++ SDK sends one) and takes it as a cluster name (the Rust and Go SDKs) only if that fails. Of a GrpcService
     * wasmesh can serve only envoy_grpc (field 1) with its cluster_name (field 1); anything else names no cluster.
     */
    private record GrpcTarget(String cluster, boolean fromService) {
        private static final int ENVOY_GRPC = 1;
        private static final int CLUSTER_NAME = 1;

        static GrpcTarget of(byte[] upstream) {
            byte[] envoyGrpc = field(upstream, ENVOY_GRPC);
            if (envoyGrpc == null) {
                return new GrpcTarget(new String(upstream, StandardCharsets.UTF_8), false);
            }
            byte[] cluster = field(envoyGrpc, CLUSTER_NAME);
            return new GrpcTarget(cluster == null ? "" : new String(cluster, StandardCharsets.UTF_8), true);
        }

        /**
         * The last length-delimited field {@code number} of a well-formed protobuf message, an empty array if the
         * message is well-formed without it, or null if {@code message} is not a protobuf message at all.
         */
        private static byte[] field(byte[] message, int number) {
            byte[] found = new byte[0];
            int[] pos = {0};
            while (pos[0] < message.length) {
                long tag = varint(message, pos);
                if (tag < 8) {
                    return null;
                }
                switch ((int) (tag & 7)) {
                    case 0:
                        if (varint(message, pos) < 0) {
                            return null;
                        }
                        break;
                    case 1:
                        pos[0] += 8;
                        break;
                    case 2: {
                        long len = varint(message, pos);
                        if (len < 0 || pos[0] + len > message.length) {
                            return null;
                        }
                        if (tag >>> 3 == number) {
                            found = Arrays.copyOfRange(message, pos[0], pos[0] + (int) len);
                        }
                        pos[0] += (int) len;
                        break;
                    }
                    case 5:
                        pos[0] += 4;
                        break;
                    default:
                        return null; // groups (3, 4) and invalid wire types: read as a cluster name
                }
                if (pos[0] > message.length) {
                    return null;
                }
            }
            return found;
        }

        /** A base-128 varint of at most 64 bits, or -1 if it is cut short or too long. */
        private static long varint(byte[] b, int[] pos) {
            long value = 0;
            for (int shift = 0; shift < 64 && pos[0] < b.length; shift += 7) {
                byte x = b[pos[0]++];
                value |= (long) (x & 0x7f) << shift;
                if ((x & 0x80) == 0) {
                    return value;
                }
            }
            return -1;
        }
    }
}
