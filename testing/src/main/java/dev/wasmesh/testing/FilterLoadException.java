package dev.wasmesh.testing;

/** The .wasm file could not be read or is not a module this host can run; the message is one line. */
public final class FilterLoadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FilterLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
