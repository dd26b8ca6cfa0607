package dev.wasmesh.testing;

import dev.wasmesh.host.WasmFailure;

/**
 * The VM or plugin did not start: instantiation or start-up trapped, proxy_on_vm_start or proxy_on_configure
 * returned false. Carries the failure and the logs written up to then.
 */
public final class PluginStartException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient WasmFailure failure;
    private final transient LogRecorder logs;

    PluginStartException(WasmFailure failure, LogRecorder logs, Throwable cause) {
        super(failure.toString(), cause);
        this.failure = failure;
        this.logs = logs;
    }

    public WasmFailure failure() {
        return failure;
    }

    public LogRecorder logs() {
        return logs;
    }
}
