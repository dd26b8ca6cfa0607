package dev.wasmesh.host;

import java.util.List;

/** Why a VM stopped working: the embedder applies the plugin's failure policy on it. */
public final class WasmFailure {
    public enum Kind {
        /** The guest trapped (unreachable, out-of-bounds access, stack exhaustion, proc_exit, ...). */
        TRAP,
        /** A callback ran past its deadline and was interrupted. */
        DEADLINE,
        /** proxy_on_vm_start returned false. */
        START_FAILED,
        /** proxy_on_configure returned false. */
        CONFIGURE_FAILED,
        /** The guest could not be instantiated or initialised. */
        INSTANTIATION,
        /** The embedder closed the VM ({@link WasmVm#close}). */
        CLOSED
    }

    private final Kind kind;
    private final String callback;
    private final String message;
    private final List<String> wasmStack;

    public WasmFailure(Kind kind, String callback, String message, List<String> wasmStack) {
        this.kind = kind;
        this.callback = callback;
        this.message = message;
        this.wasmStack = List.copyOf(wasmStack);
    }

    public Kind kind() {
        return kind;
    }

    /** The export that was running, e.g. {@code proxy_on_request_headers}. */
    public String callback() {
        return callback;
    }

    public String message() {
        return message;
    }

    /** Names of the wasm functions on the stack, innermost first, from the module's name section where it has one. */
    public List<String> wasmStack() {
        return wasmStack;
    }

    /** One line for logs and users. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        switch (kind) {
            case DEADLINE:
                sb.append("deadline exceeded in ");
                break;
            case TRAP:
                sb.append("wasm trap in ");
                break;
            default:
                sb.append("plugin failed in ");
        }
        sb.append(callback).append(": ").append(message);
        if (!wasmStack.isEmpty()) {
            sb.append(" (wasm stack: ").append(String.join(" <- ", wasmStack)).append(')');
        }
        return sb.toString();
    }
}
