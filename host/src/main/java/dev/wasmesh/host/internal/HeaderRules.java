package dev.wasmesh.host.internal;

import dev.wasmesh.host.abi.AbiException;
import dev.wasmesh.host.stream.HeaderMap;

/**
 * What a filter may hand the host as a header, trailer or metadata entry. Envoy checks this only in debug builds
 * and leaves the rest to its codecs; wasmesh refuses it at the host boundary, so a CR or LF can never split a header
 * line on the wire and a NUL can never cut one short.
 */
public final class HeaderRules {
    private HeaderRules() {}

    /** BAD_ARGUMENT unless the name is non-empty and neither part contains CR, LF or NUL. */
    public static void check(String name, String value) {
        if (name.isEmpty() || !safe(name) || !safe(value)) {
            throw AbiException.BAD_ARGUMENT;
        }
    }

    /** {@link #check} for every entry; returns the map for chaining. */
    public static HeaderMap check(HeaderMap map) {
        for (int i = 0; i < map.size(); i++) {
            check(map.nameAt(i), map.valueAt(i));
        }
        return map;
    }

    /** Whether {@code s} has no CR, LF or NUL. */
    public static boolean safe(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                return false;
            }
        }
        return true;
    }
}
