package dev.wasmesh.host;

import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import dev.wasmesh.host.module.ProxyWasmModule;

/** The guest exports the host calls, by their ABI names. */
enum Callback {
    ON_CONTEXT_CREATE("proxy_on_context_create"),
    ON_VM_START("proxy_on_vm_start"),
    ON_CONFIGURE("proxy_on_configure"),
    ON_TICK("proxy_on_tick"),
    ON_FOREIGN_FUNCTION("proxy_on_foreign_function"),
    ON_QUEUE_READY("proxy_on_queue_ready"),
    ON_NEW_CONNECTION("proxy_on_new_connection"),
    ON_DOWNSTREAM_DATA("proxy_on_downstream_data"),
    ON_UPSTREAM_DATA("proxy_on_upstream_data"),
    ON_DOWNSTREAM_CONNECTION_CLOSE("proxy_on_downstream_connection_close"),
    ON_UPSTREAM_CONNECTION_CLOSE("proxy_on_upstream_connection_close"),
    ON_REQUEST_HEADERS("proxy_on_request_headers"),
    ON_REQUEST_BODY("proxy_on_request_body"),
    ON_REQUEST_TRAILERS("proxy_on_request_trailers"),
    ON_RESPONSE_HEADERS("proxy_on_response_headers"),
    ON_RESPONSE_BODY("proxy_on_response_body"),
    ON_RESPONSE_TRAILERS("proxy_on_response_trailers"),
    ON_HTTP_CALL_RESPONSE("proxy_on_http_call_response"),
    ON_GRPC_RECEIVE_INITIAL_METADATA("proxy_on_grpc_receive_initial_metadata"),
    ON_GRPC_RECEIVE("proxy_on_grpc_receive"),
    // An older AssemblyScript SDK exports proxy_on_grpc_trailing_metadata; the module loader aliases it.
    ON_GRPC_RECEIVE_TRAILING_METADATA("proxy_on_grpc_receive_trailing_metadata"),
    ON_GRPC_CLOSE("proxy_on_grpc_close"),
    ON_DONE("proxy_on_done"),
    ON_LOG("proxy_on_log"),
    ON_DELETE("proxy_on_delete");

    private static final String LEGACY_GRPC_TRAILING_METADATA = "proxy_on_grpc_trailing_metadata";

    private final String exportName;

    Callback(String exportName) {
        this.exportName = exportName;
    }

    String exportName() {
        return exportName;
    }

    /**
     * Finds the export that answers each callback in {@code instance}, by ordinal, with its parameter count; a
     * callback the module does not export stays null.
     */
    static void bind(ProxyWasmModule module, Instance instance, ExportFunction[] exports, int[] arity) {
        for (Callback cb : values()) {
            String name = cb.exportName;
            if (cb == ON_GRPC_RECEIVE_TRAILING_METADATA && !module.exportsFunction(name)) {
                name = LEGACY_GRPC_TRAILING_METADATA;
            }
            if (module.exportsFunction(name)) {
                exports[cb.ordinal()] = instance.export(name);
                arity[cb.ordinal()] =
                        module.exportType(name).orElseThrow().params().size();
            }
        }
    }
}
