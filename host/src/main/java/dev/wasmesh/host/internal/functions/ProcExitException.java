package dev.wasmesh.host.internal.functions;

/** WASI proc_exit: unwinds the guest. Exit code 0 during start-up is a normal end of a command-style _start. */
public final class ProcExitException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    ProcExitException(int exitCode) {
        super("proc_exit(" + exitCode + ")", null, false, false);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
