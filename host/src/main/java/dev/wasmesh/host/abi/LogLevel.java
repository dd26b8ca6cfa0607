package dev.wasmesh.host.abi;

import java.util.Locale;

/** proxy-wasm log levels, TRACE 0 to CRITICAL 5. */
public enum LogLevel {
    TRACE,
    DEBUG,
    INFO,
    WARN,
    ERROR,
    CRITICAL;

    public static LogLevel ofCode(int code) {
        if (code < 0 || code >= values().length) {
            throw AbiException.BAD_ARGUMENT;
        }
        return values()[code];
    }

    /** Accepts Envoy's spellings (trace, debug, info, warn/warning, error, critical). */
    public static LogLevel parse(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        if (t.equals("WARNING")) {
            return WARN;
        }
        try {
            return valueOf(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "unknown log level '" + text + "' (expected trace, debug, info, warn, error or critical)", e);
        }
    }

    public String lowerName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
