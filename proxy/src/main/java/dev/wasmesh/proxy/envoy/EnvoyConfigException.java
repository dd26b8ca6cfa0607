package dev.wasmesh.proxy.envoy;

import dev.wasmesh.config.ConfigException;

/**
 * An Envoy configuration wasmesh cannot run; the message names the file and line (when read from a file; else the
 * line) and the offending field's path. The cause tells them apart.
 */
public final class EnvoyConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    EnvoyConfigException(ConfigException cause) {
        super(cause.getMessage(), cause);
    }

    /** Where and what: the source, line, path and problem. */
    public ConfigException detail() {
        return (ConfigException) getCause();
    }
}
