package dev.wasmesh.proxy.config;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/** The module sources a proxy consults in order; local files are always known, remote schemes are registered. */
public final class ModuleSources {
    private final List<ModuleSource> sources = new ArrayList<>();

    public ModuleSources() {
        sources.add(new LocalFileSource());
    }

    /** Adds a source (e.g. the CLI's oci:// and http(s):// fetcher) consulted before the built-in one. */
    public ModuleSources register(ModuleSource source) {
        sources.add(0, source);
        return this;
    }

    public byte[] fetch(String location, String sha256) throws IOException {
        for (ModuleSource s : sources) {
            if (s.handles(location)) {
                return s.fetch(location, sha256);
            }
        }
        throw new IOException(location + ": no module source handles this location");
    }

    /** Checks {@code bytes} against a hex SHA-256; null accepts anything. */
    static void verify(String location, byte[] bytes, String sha256) throws IOException {
        if (sha256 == null) {
            return;
        }
        try {
            String actual = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            String expected = sha256.toLowerCase(Locale.ROOT).replaceFirst("^sha256:", "");
            if (!actual.equals(expected)) {
                throw new IOException(location + ": sha256 mismatch: expected " + expected + ", got " + actual);
            }
        } catch (NoSuchAlgorithmException e) {
            throw new IOException("SHA-256 is not available in this JVM", e);
        }
    }
}
