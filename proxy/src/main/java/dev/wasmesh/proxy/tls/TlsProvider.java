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

    private static volatile SslProvider provider = pick(System.getProperty(PROPERTY, ""));

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
        return provider;
    }

    /**
     * Picks the provider for contexts made from now on, as the property does ("jdk" or "boringssl"), for an
     * embedder or test that runs both in one process.
     */
    public static void select(String wanted) {
        provider = pick(wanted);
    }

    /** "BoringSSL" or "JDK", for the ready line. */
    public static String describe() {
        return provider == SslProvider.OPENSSL ? "BoringSSL" : "JDK";
    }

    /** Why BoringSSL is not in use though nobody asked for the JDK's TLS, or null. */
    public static String fallbackReason() {
        Throwable why = OpenSsl.unavailabilityCause();
        return provider == SslProvider.JDK
                        && why != null
                        && !System.getProperty(PROPERTY, "").equalsIgnoreCase("jdk")
                ? String.valueOf(why.getMessage())
                : null;
    }
}
