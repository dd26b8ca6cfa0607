package dev.wasmesh.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** The exit codes every wasmesh command uses, so scripts can tell failures apart. */
public final class ExitCode {
    /** The command did what was asked. */
    public static final int OK = 0;
    /** The thing checked failed: a build broke, a module is not a valid proxy-wasm filter. */
    public static final int FAILED = 1;
    /** Bad arguments or an input the command refuses (unknown language, non-empty directory, no project). */
    public static final int USAGE = 2;
    /** A tool the command needs (compiler, package manager, SDK) is not installed. */
    public static final int TOOL_MISSING = 3;
    /** Reading or writing files failed, or wasmesh itself broke. */
    public static final int IO_ERROR = 4;
    /** The user interrupted an interactive prompt (Ctrl-C), as shells report SIGINT. */
    public static final int INTERRUPTED = 130;

    private ExitCode() {}

    /** The list shown under "Exit codes:" in every command's --help. */
    public static Map<String, String> descriptions() {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put(Integer.toString(OK), "ok");
        codes.put(Integer.toString(FAILED), "the thing checked failed (build error, invalid module)");
        codes.put(Integer.toString(USAGE), "usage error (bad option or argument, refused input)");
        codes.put(Integer.toString(TOOL_MISSING), "a required tool is not installed");
        codes.put(Integer.toString(IO_ERROR), "I/O or internal error");
        codes.put(Integer.toString(INTERRUPTED), "interrupted");
        return codes;
    }
}
