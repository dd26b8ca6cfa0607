package dev.wasmesh.proxy.config;

import java.io.IOException;

/**
 * Fetches a filter's bytes from a location: a local path, an {@code http(s)://} URL, or whatever scheme another
 * module plugs in (such as {@code oci://}). Called off the event loops.
 */
public interface ModuleSource {
    /** Whether this source understands {@code location}. */
    boolean handles(String location);

    /**
     * @param sha256 the expected SHA-256 in hex, or null to accept any content
     * @throws IOException with a one-line message when the bytes cannot be had or do not match
     */
    byte[] fetch(String location, String sha256) throws IOException;
}
