package dev.wasmesh.host;

import java.util.Locale;

/** Envoy's failure policies for a plugin whose VM failed (Envoy 1.33+ names). */
public enum FailurePolicy {
    /** Requests get a 503 (Envoy's default). */
    FAIL_CLOSED,
    /** The failed filter is skipped. */
    FAIL_OPEN,
    /** The VM is recreated, with backoff. */
    FAIL_RELOAD;

    /** Accepts Envoy's and Istio's spellings: FAIL_CLOSED/FAIL_CLOSE, FAIL_OPEN, FAIL_RELOAD. */
    public static FailurePolicy parse(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        switch (t) {
            case "FAIL_CLOSE":
            case "FAIL_CLOSED":
            case "UNSPECIFIED":
                return FAIL_CLOSED;
            case "FAIL_OPEN":
                return FAIL_OPEN;
            case "FAIL_RELOAD":
                return FAIL_RELOAD;
            default:
                throw new IllegalArgumentException(
                        "unknown failure policy '" + text + "' (expected FAIL_CLOSE, FAIL_OPEN or FAIL_RELOAD)");
        }
    }
}
