package dev.wasmesh.host.abi;

import java.util.Optional;

/** The proxy-wasm ABI a module was built for, told by its marker export. */
public enum AbiVersion {
    V0_1_0("proxy_abi_version_0_1_0", "0.1.0"),
    V0_2_0("proxy_abi_version_0_2_0", "0.2.0"),
    V0_2_1("proxy_abi_version_0_2_1", "0.2.1");

    /** vNEXT is, today, a copy of 0.2.1. */
    public static final String VNEXT_MARKER = "proxy_abi_version_0_x_x";

    private final String marker;
    private final String text;

    AbiVersion(String marker, String text) {
        this.marker = marker;
        this.text = text;
    }

    public String marker() {
        return marker;
    }

    @Override
    public String toString() {
        return text;
    }

    public static Optional<AbiVersion> ofMarker(String exportName) {
        if (VNEXT_MARKER.equals(exportName)) {
            return Optional.of(V0_2_1);
        }
        for (AbiVersion v : values()) {
            if (v.marker.equals(exportName)) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    public boolean atLeast(AbiVersion other) {
        return compareTo(other) >= 0;
    }
}
