package dev.wasmesh.deploy;

/**
 * A failure the user can act on. The message is one line that names what went wrong and where, so the commands can
 * print it as is instead of a stack trace.
 */
public class DeployException extends RuntimeException {
    public DeployException(String message) {
        super(message);
    }

    public DeployException(String message, Throwable cause) {
        super(message, cause);
    }
}
