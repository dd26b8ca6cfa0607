package dev.wasmesh.host.module;

/** A module that cannot run here; the message is one line that says what is wrong and, where it can, what to do. */
public final class ModuleLoadException extends Exception {
    private static final long serialVersionUID = 1L;

    public ModuleLoadException(String message) {
        super(message);
    }

    public ModuleLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
