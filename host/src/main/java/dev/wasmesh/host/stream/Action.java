package dev.wasmesh.host.stream;

/**
 * What a filter asked the host to do after a stream callback. The raw value the guest returned is mapped as Envoy
 * maps it, which also covers the older filter-status values that the C++ and AssemblyScript SDKs still return.
 */
public enum Action {
    /** Go on to the next filter. */
    CONTINUE,
    /** Stop iterating; for headers and bodies the host buffers what follows until the filter continues. */
    PAUSE;

    /** Headers: 0 continue, 2 (ContinueAndDontEndStream) continue; 1, 3, 4 and anything larger stop and buffer. */
    public static Action ofHeaders(long raw) {
        return raw == 0 || raw == 2 ? CONTINUE : PAUSE;
    }

    /** Bodies: 0 continue; 1 StopIterationAndBuffer, 2 ...AndWatermark, 3 ...NoBuffer and larger stop. */
    public static Action ofBody(long raw) {
        return raw == 0 ? CONTINUE : PAUSE;
    }

    /** Trailers: 0 continue; anything else stops. */
    public static Action ofTrailers(long raw) {
        return raw == 0 ? CONTINUE : PAUSE;
    }

    /** Network filters (new connection, downstream and upstream data): 0 continue; anything else stops. */
    public static Action ofNetwork(long raw) {
        return raw == 0 ? CONTINUE : PAUSE;
    }
}
