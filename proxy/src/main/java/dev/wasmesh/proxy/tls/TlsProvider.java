package dev.wasmesh.proxy.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.util.Locale;

/**
 * Which TLS implementation the proxy's contexts use: BoringSSL (netty-tcnative) where it loads, the JDK's
 * otherwise. {@code -Dwasmesh.tls.provider=jdk} (or {@code boringssl}) picks one; asking for BoringSSL where it
 * does not load falls back to the JDK's too.
 */
public final class TlsProvider {
    /** The system property that picks the provider. */
    public static final String PROPERTY = "wasmesh.tls.provider";

    private static final SslProvider PROVIDER = pick(System.getProperty(PROPERTY, ""));

    private TlsProvider() {}

    static SslProvider pick(String wanted) {
        String w = wanted.strip().toLowerCase(Locale.ROOT);
        if (!w.isEmpty() && !w.equals("jdk") && !w.equals("boringssl") && !w.equals("openssl")) {
            throw new IllegalArgumentException(PROPERTY + " is jdk or boringssl, not '" + wanted + "'");
        }
        if (w.equals("jdk")) {
            return SslProvider.JDK;
        }
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    static SslProvider provider() {
        return PROVIDER;
    }

    /** "BoringSSL" or "JDK", for the ready line and logs; with the reason BoringSSL did not load, if it did not. */
    public static String describe() {
        if (PROVIDER == SslProvider.OPENSSL) {
            return OpenSsl.versionString() == null ? "BoringSSL" : OpenSsl.versionString();
        }
        Throwable why = OpenSsl.unavailabilityCause();
        return why == null || System.getProperty(PROPERTY, "").equalsIgnoreCase("jdk")
                ? "JDK"
                : "JDK (BoringSSL did not load: " + why.getMessage() + ")";
    }
}
