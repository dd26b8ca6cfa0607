package dev.wasmesh.host;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Why a VM stopped working: the embedder applies the plugin's failure policy on it. */
public final class WasmFailure {
    private static final Pattern COMPILED_FRAME = Pattern.compile("func_(\\d+)");

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

    /** The first line of a throwable's message, or its class's name if it has none: a failure's message. */
    static String oneLine(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            m = e.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /**
     * Wasm function names from a Java stack of compiled code (frames named func_N), innermost first.
     *
     * @param functionName the module's name for a function index
     */
    static List<String> wasmStack(Throwable e, IntFunction<String> functionName) {
        List<String> names = new ArrayList<>();
        for (StackTraceElement frame : e.getStackTrace()) {
            Matcher m = COMPILED_FRAME.matcher(frame.getMethodName());
            if (m.matches()) {
                String n = functionName.apply(Integer.parseInt(m.group(1)));
                if (names.isEmpty() || !names.get(names.size() - 1).equals(n)) {
                    names.add(n);
                }
            }
            if (names.size() == 16) {
                break;
            }
        }
        return names;
    }
}
