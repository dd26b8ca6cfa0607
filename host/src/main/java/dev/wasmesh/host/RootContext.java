package dev.wasmesh.host;

import dev.wasmesh.host.abi.AbiException;
import dev.wasmesh.host.abi.BufferType;
import dev.wasmesh.host.abi.Status;
import dev.wasmesh.host.stream.Body;
import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.host.stream.NetworkControl;
import dev.wasmesh.host.stream.StreamControl;
import dev.wasmesh.host.stream.StreamInfo;
import java.util.HashMap;
import java.util.Map;

/**
 * A plugin's root context in one VM: it gets the VM and plugin configuration, timer ticks, queue notifications and
 * call-out responses, and is the parent of the plugin's stream contexts.
 */
public final class RootContext extends Context {
    private final PluginConfig config;
    private final Body pluginConfiguration;
    private final Body vmConfiguration;
    private final Map<Integer, GrpcCallout> grpcCalls = new HashMap<>();
    private final Map<Integer, HttpCallout> httpCalls = new HashMap<>();
    // proxy_get_status, as Envoy keeps it per root context: the code of the last failed HTTP call-out or closed gRPC
    // call (0 before any), and a message only while that callback runs.
    private int statusCode;
    private String statusMessage = "";
    private long tickPeriodMillis;
    private boolean configuring;
    private boolean awaitingDone;
    private boolean deleted;
    /** Envoy's declare_property: declared names, true for read-only ones. */
    private Map<String, Boolean> declaredProperties;

    RootContext(WasmVm vm, int id, PluginConfig config) {
        super(vm, id);
        this.config = config;
        this.pluginConfiguration = new Body(config.pluginConfiguration());
        this.vmConfiguration = new Body(config.vmConfiguration());
    }

    @Override
    public RootContext rootContext() {
        return this;
    }

    public PluginConfig config() {
        return config;
    }

    /** Envoy's declare_property foreign function: as in Envoy, the first declaration of a name stands. */
    void declareProperty(String name, boolean readonly) {
        if (declaredProperties == null) {
            declaredProperties = new HashMap<>();
        }
        declaredProperties.putIfAbsent(name, readonly);
    }

    boolean readonlyProperty(String name) {
        return declaredProperties != null && declaredProperties.getOrDefault(name, false);
    }

    @Override
    Body bufferOrNull(BufferType type) {
        switch (type) {
            case VM_CONFIGURATION:
                return vmConfiguration;
            case PLUGIN_CONFIGURATION:
                return configuring ? pluginConfiguration : super.bufferOrNull(type);
            default:
                return super.bufferOrNull(type);
        }
    }

    /** The tick period the filter asked for with proxy_set_tick_period_milliseconds; 0 means no timer. */
    public long tickPeriodMillis() {
        return tickPeriodMillis;
    }

    void tickPeriodMillis(long millis) {
        this.tickPeriodMillis = millis;
        vm().timerListener().tickPeriodChanged(this, millis);
    }

    /** Creates the root context in the guest and runs proxy_on_vm_start and proxy_on_configure. */
    boolean start() {
        vm().callVoid(Callback.ON_CONTEXT_CREATE, this, id(), 0);
        if (vm().call(Callback.ON_VM_START, this, 1, id(), vmConfiguration.length()) == 0) {
            vm().fail(
                            WasmFailure.Kind.START_FAILED,
                            Callback.ON_VM_START.exportName(),
                            "proxy_on_vm_start returned false");
            return false;
        }
        return configure();
    }

    private boolean configure() {
        configuring = true;
        try {
            if (vm().call(Callback.ON_CONFIGURE, this, 1, id(), pluginConfiguration.length()) == 0) {
                vm().fail(
                                WasmFailure.Kind.CONFIGURE_FAILED,
                                Callback.ON_CONFIGURE.exportName(),
                                "proxy_on_configure returned false for plugin configuration '"
                                        + abbreviate(pluginConfiguration.toString()) + "'");
                return false;
            }
            return true;
        } finally {
            configuring = false;
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    /** Opens a new HTTP stream context under this plugin. */
    public HttpContext newHttpContext(StreamControl control, StreamInfo info) {
        return vm().newHttpContext(this, control, info);
    }

    public HttpContext newHttpContext() {
        return newHttpContext(StreamControl.NONE, new StreamInfo());
    }

    /** Opens a new network (TCP) connection context under this plugin; proxy_on_new_connection is separate. */
    public NetworkContext newNetworkContext(NetworkControl control, StreamInfo info) {
        return vm().newNetworkContext(this, control, info);
    }

    public NetworkContext newNetworkContext() {
        return newNetworkContext(NetworkControl.NONE, new StreamInfo());
    }

    /** Runs proxy_on_tick once. */
    public void tick() {
        vm().callVoid(Callback.ON_TICK, this, id());
    }

    void registerHttpCall(HttpCallout call) {
        httpCalls.put(call.token(), call);
    }

    void registerGrpcCall(GrpcCallout call) {
        grpcCalls.put(call.token(), call);
    }

    GrpcCallout grpcCall(int token) {
        GrpcCallout c = grpcCalls.get(token);
        if (c == null) {
            throw AbiException.NOT_FOUND;
        }
        return c;
    }

    /** Forgets a call the filter ended: as Envoy, its token is unknown from now on and nothing more is delivered. */
    GrpcCallout removeGrpcCall(int token) {
        GrpcCallout c = grpcCalls.remove(token);
        if (c == null) {
            throw AbiException.NOT_FOUND;
        }
        return c;
    }

    int statusCode() {
        return statusCode;
    }

    String statusMessage() {
        return statusMessage;
    }

    /**
     * A response, or a failure (null headers): Envoy then hands over no maps and no body, and records status 11
     * (BROKEN_CONNECTION) with the message "reset". A response without trailers has no trailer map.
     */
    void deliverHttpCallResponse(int token, HeaderMap headers, byte[] body, HeaderMap trailers) {
        if (httpCalls.remove(token) == null || deleted) {
            return;
        }
        boolean failed = headers == null;
        HeaderMap responseTrailers = trailers == null || trailers.isEmpty() ? null : trailers;
        if (failed) {
            statusCode = Status.BROKEN_CONNECTION.code();
            statusMessage = "reset";
        }
        try {
            vm().callbackData
                    .withCalloutResponse(
                            headers,
                            failed ? null : new Body(body),
                            responseTrailers,
                            () -> vm().callVoid(
                                            Callback.ON_HTTP_CALL_RESPONSE,
                                            this,
                                            id(),
                                            token,
                                            failed ? 0 : headers.size(),
                                            body.length,
                                            responseTrailers == null ? 0 : responseTrailers.size()));
        } finally {
            statusMessage = "";
        }
    }

    void deliverGrpcInitialMetadata(int token, HeaderMap metadata) {
        if (!grpcCalls.containsKey(token) || deleted) {
            return;
        }
        vm().callbackData
                .withGrpcMetadata(
                        metadata,
                        null,
                        () -> vm().callVoid(
                                        Callback.ON_GRPC_RECEIVE_INITIAL_METADATA, this, id(), token, metadata.size()));
    }

    /** A stream's message, or a unary call's response: as in Envoy, that call is forgotten after its callback. */
    void deliverGrpcMessage(int token, byte[] message) {
        GrpcCallout call = grpcCalls.get(token);
        if (call == null || deleted) {
            return;
        }
        try {
            vm().callbackData
                    .withGrpcMessage(
                            new Body(message),
                            () -> vm().callVoid(Callback.ON_GRPC_RECEIVE, this, id(), token, message.length));
        } finally {
            if (!call.streaming()) {
                grpcCalls.remove(token, call);
            }
        }
    }

    void deliverGrpcTrailingMetadata(int token, HeaderMap metadata) {
        if (!grpcCalls.containsKey(token) || deleted) {
            return;
        }
        vm().callbackData
                .withGrpcMetadata(
                        null,
                        metadata,
                        () -> vm().callVoid(
                                        Callback.ON_GRPC_RECEIVE_TRAILING_METADATA,
                                        this,
                                        id(),
                                        token,
                                        metadata.size()));
    }

    /**
     * A unary call's failure or a stream's end. As in Envoy, the token is known during the callback; afterwards a
     * unary call, and a stream the filter already closed, are forgotten, while any other stream stays until the
     * filter closes or cancels it.
     */
    void deliverGrpcClose(int token, int status, String message) {
        GrpcCallout call = grpcCalls.get(token);
        if (call == null || deleted) {
            return;
        }
        call.markRemoteClosed();
        statusCode = status;
        statusMessage = message;
        try {
            vm().callVoid(Callback.ON_GRPC_CLOSE, this, id(), token, status);
        } finally {
            statusMessage = "";
            if (!call.streaming() || call.closedByFilter()) {
                grpcCalls.remove(token, call);
            }
        }
    }

    void onQueueReady(int token) {
        if (!deleted) {
            vm().callVoid(Callback.ON_QUEUE_READY, this, id(), token);
        }
    }

    /** Runs proxy_on_foreign_function with {@code arguments} readable as FOREIGN_FUNCTION_ARGUMENTS. */
    public void callForeignFunction(int functionId, byte[] arguments) {
        vm().callbackData
                .withForeignArguments(
                        new Body(arguments),
                        () -> vm().callVoid(Callback.ON_FOREIGN_FUNCTION, this, id(), functionId, arguments.length));
    }

    /**
     * Shuts the plugin down: proxy_on_done, and proxy_on_delete once the filter is done (at once if on_done said
     * true, otherwise when it calls proxy_done).
     *
     * @return whether the context is deleted now
     */
    public boolean shutdown() {
        if (deleted) {
            return true;
        }
        tickPeriodMillis(0);
        if (vm().call(Callback.ON_DONE, this, 1, id()) == 0) {
            awaitingDone = true;
            return false;
        }
        delete();
        return true;
    }

    @Override
    void done() {
        if (!awaitingDone) {
            throw AbiException.NOT_FOUND;
        }
        awaitingDone = false;
        vm().post(this::delete);
    }

    private void delete() {
        if (!deleted) {
            deleted = true;
            vm().callVoid(Callback.ON_DELETE, this, id());
            vm().forget(this);
        }
    }

    public boolean deleted() {
        return deleted;
    }
}
