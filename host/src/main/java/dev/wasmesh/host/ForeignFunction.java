package dev.wasmesh.host;

/** A function the host offers to filters through proxy_call_foreign_function, written in Java. */
@FunctionalInterface
public interface ForeignFunction {
    /**
     * @param arguments the bytes the filter passed
     * @param caller the context the call came from, e.g. to read its properties
     * @return the bytes handed back to the filter
     */
    byte[] call(byte[] arguments, Context caller);
}
