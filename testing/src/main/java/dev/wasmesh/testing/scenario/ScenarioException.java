package dev.wasmesh.testing.scenario;

import java.nio.file.Path;

/** A scenario file that cannot be read or is malformed; {@link #getMessage()} is "file:line: what is wrong". */
public final class ScenarioException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient Path file;
    private final int line;
    private final String problem;

    /** @param line 1-based; 0 when the problem has no position (e.g. an unreadable file) */
    public ScenarioException(Path file, int line, String problem) {
        super(file + (line > 0 ? ":" + line : "") + ": " + problem);
        this.file = file;
        this.line = line;
        this.problem = problem;
    }

    public Path file() {
        return file;
    }

    public int line() {
        return line;
    }

    public String problem() {
        return problem;
    }
}
