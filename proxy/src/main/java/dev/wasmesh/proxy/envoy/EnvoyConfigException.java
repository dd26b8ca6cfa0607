package dev.wasmesh.proxy.envoy;

/** An Envoy configuration wasmesh cannot run; the message names the offending field's path. */
public final class EnvoyConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public EnvoyConfigException(String message) {
        super(message);
    }
}
