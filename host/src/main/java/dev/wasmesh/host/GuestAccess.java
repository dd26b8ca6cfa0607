package dev.wasmesh.host;

import dev.wasmesh.host.abi.BufferType;
import dev.wasmesh.host.abi.MapType;
import dev.wasmesh.host.abi.StreamType;
import dev.wasmesh.host.stream.Body;
import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.host.stream.LocalResponse;
import dev.wasmesh.host.stream.StreamInfo;
import java.time.Duration;

/**
 * Not API: what the host functions ({@code dev.wasmesh.host.internal.functions} and
 * {@code dev.wasmesh.host.internal.envoy}) do to VMs, contexts and call-outs on a guest's behalf, and an embedder
 * must not. It is the one way from the ABI's implementation into this package's package-private state, so that the
 * API classes show embedders only their own methods. Every method forwards to one package-private member.
 */
public final class GuestAccess {
    private GuestAccess() {}

    // ---- the effective context ---------------------------------------------------------------------------------

    /** The stream facts properties are read from; null for a root context. */
    public static StreamInfo streamInfo(Context ctx) {
        return ctx.streamInfo();
    }

    public static HeaderMap headerMap(Context ctx, MapType type) {
        return ctx.headerMapOrNull(type);
    }

    public static HeaderMap mutableHeaderMap(Context ctx, MapType type) {
        return ctx.mutableHeaderMapOrNull(type);
    }

    public static boolean inAccessLog(Context ctx) {
        return ctx.inAccessLog();
    }

    public static Body buffer(Context ctx, BufferType type) {
        return ctx.bufferOrNull(type);
    }

    public static void continueStream(Context ctx, StreamType type) {
        ctx.continueStream(type);
    }

    public static void closeStream(Context ctx, StreamType type) {
        ctx.closeStream(type);
    }

    public static void done(Context ctx) {
        ctx.done();
    }

    public static void sendLocalResponse(HttpContext ctx, LocalResponse response) {
        ctx.sendLocalResponse(response);
    }

    // ---- a plugin's root context -------------------------------------------------------------------------------

    public static void tickPeriodMillis(RootContext root, long millis) {
        root.tickPeriodMillis(millis);
    }

    public static int statusCode(RootContext root) {
        return root.statusCode();
    }

    public static String statusMessage(RootContext root) {
        return root.statusMessage();
    }

    public static void declareProperty(RootContext root, String name, boolean readonly) {
        root.declareProperty(name, readonly);
    }

    public static boolean readonlyProperty(RootContext root, String name) {
        return root.readonlyProperty(name);
    }

    public static void onQueueReady(RootContext root, int token) {
        root.onQueueReady(token);
    }

    // ---- the VM ------------------------------------------------------------------------------------------------

    public static void localReplySent(WasmVm vm) {
        vm.localReplySent();
    }

    public static int nextCalloutToken(WasmVm vm, int kind) {
        return vm.nextCalloutToken(kind);
    }

    // ---- call-outs ---------------------------------------------------------------------------------------------

    public static HttpCallout newHttpCall(
            RootContext origin,
            int token,
            String cluster,
            HeaderMap headers,
            byte[] body,
            HeaderMap trailers,
            Duration timeout) {
        return new HttpCallout(origin, token, cluster, headers, body, trailers, timeout);
    }

    public static void registerHttpCall(RootContext root, HttpCallout call) {
        root.registerHttpCall(call);
    }

    public static GrpcCallout newGrpcCall(
            RootContext origin,
            int token,
            String cluster,
            String service,
            String method,
            HeaderMap metadata,
            byte[] message,
            Duration timeout,
            boolean streaming) {
        return new GrpcCallout(origin, token, cluster, service, method, metadata, message, timeout, streaming);
    }

    public static void registerGrpcCall(RootContext root, GrpcCallout call) {
        root.registerGrpcCall(call);
    }

    public static GrpcCallout grpcCall(RootContext root, int token) {
        return root.grpcCall(token);
    }

    public static GrpcCallout removeGrpcCall(RootContext root, int token) {
        return root.removeGrpcCall(token);
    }

    public static void send(GrpcCallout call, byte[] message, boolean endOfStream) {
        call.send(message, endOfStream);
    }

    public static void cancel(GrpcCallout call) {
        call.cancel();
    }

    public static void closeFromFilter(GrpcCallout call) {
        call.closeFromFilter();
    }

    public static boolean remoteClosed(GrpcCallout call) {
        return call.remoteClosed();
    }
}
