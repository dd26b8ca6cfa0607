package dev.wasmesh.config;

/**
 * A configuration that cannot be read: its message is {@code source:line: path: problem}, each part left out when
 * unknown (no source name gives {@code line N: path: problem}).
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String source;
    private final int line;
    private final String path;
    private final String problem;

    /**
     * @param source the file name (or another label) the text came from; empty if it has none
     * @param line 1-based; 0 when the problem has no position
     * @param path the dotted path of the value ({@code a.b[2].c}); empty for the document itself
     */
    public ConfigException(String source, int line, String path, String problem) {
        super(location(source, line) + (path.isEmpty() ? "" : path + ": ") + problem);
        this.source = source;
        this.line = line;
        this.path = path;
        this.problem = problem;
    }

    private static String location(String source, int line) {
        if (!source.isEmpty()) {
            return source + (line > 0 ? ":" + line : "") + ": ";
        }
        return line > 0 ? "line " + line + ": " : "";
    }

    public String source() {
        return source;
    }

    /** 1-based, or 0 if unknown. */
    public int line() {
        return line;
    }

    public String path() {
        return path;
    }

    public String problem() {
        return problem;
    }

    /** The message without its location: {@code path: problem}, or the problem alone at the document's root. */
    public String detail() {
        return path.isEmpty() ? problem : path + ": " + problem;
    }
}
