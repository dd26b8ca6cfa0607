package dev.wasmesh.proxy.tls;

import io.netty.handler.ssl.NotSslRecordException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * Envoy's transport failure reason for a failed TLS handshake, in its "TLS_error:|CODE:SSL routines:OPENSSL_internal:
 * NAME:TLS_error_end" form with BoringSSL's error codes, whichever provider failed it.
 */
public final class TlsFailure {
    private static final int SSL_LIB = 16 << 24;
    private static final int CERTIFICATE_VERIFY_FAILED = 125;
    private static final int WRONG_VERSION_NUMBER = 247;
    /** BoringSSL's reasons for alerts received: 1000 + the alert's number, named as BoringSSL names them. */
    private static final Map<String, Integer> ALERTS = Map.ofEntries(
            Map.entry("SSLV3_ALERT_HANDSHAKE_FAILURE", 1040),
            Map.entry("SSLV3_ALERT_BAD_CERTIFICATE", 1042),
            Map.entry("SSLV3_ALERT_UNSUPPORTED_CERTIFICATE", 1043),
            Map.entry("SSLV3_ALERT_CERTIFICATE_REVOKED", 1044),
            Map.entry("SSLV3_ALERT_CERTIFICATE_EXPIRED", 1045),
            Map.entry("SSLV3_ALERT_CERTIFICATE_UNKNOWN", 1046),
            Map.entry("TLSV1_ALERT_UNKNOWN_CA", 1048),
            Map.entry("TLSV1_ALERT_DECRYPT_ERROR", 1051),
            Map.entry("TLSV1_ALERT_PROTOCOL_VERSION", 1070),
            Map.entry("TLSV1_ALERT_INTERNAL_ERROR", 1080),
            Map.entry("TLSV1_ALERT_CERTIFICATE_REQUIRED", 1116),
            Map.entry("TLSV1_ALERT_NO_APPLICATION_PROTOCOL", 1120));
    /** The JDK's alert descriptions ("Received fatal alert: bad_certificate") to BoringSSL's names. */
    private static final Map<String, String> JDK_ALERTS = Map.ofEntries(
            Map.entry("handshake_failure", "SSLV3_ALERT_HANDSHAKE_FAILURE"),
            Map.entry("bad_certificate", "SSLV3_ALERT_BAD_CERTIFICATE"),
            Map.entry("unsupported_certificate", "SSLV3_ALERT_UNSUPPORTED_CERTIFICATE"),
            Map.entry("certificate_revoked", "SSLV3_ALERT_CERTIFICATE_REVOKED"),
            Map.entry("certificate_expired", "SSLV3_ALERT_CERTIFICATE_EXPIRED"),
            Map.entry("certificate_unknown", "SSLV3_ALERT_CERTIFICATE_UNKNOWN"),
            Map.entry("unknown_ca", "TLSV1_ALERT_UNKNOWN_CA"),
            Map.entry("decrypt_error", "TLSV1_ALERT_DECRYPT_ERROR"),
            Map.entry("protocol_version", "TLSV1_ALERT_PROTOCOL_VERSION"),
            Map.entry("internal_error", "TLSV1_ALERT_INTERNAL_ERROR"),
            Map.entry("certificate_required", "TLSV1_ALERT_CERTIFICATE_REQUIRED"),
            Map.entry("no_application_protocol", "TLSV1_ALERT_NO_APPLICATION_PROTOCOL"));

    private static final Pattern JDK_ALERT = Pattern.compile("Received fatal alert: (\\w+)");
    /** An OpenSSL error string as netty-tcnative reports it: "error:10000416:SSL routines:OPENSSL_internal:NAME". */
    private static final Pattern OPENSSL_ERROR = Pattern.compile("error:([0-9a-fA-F]{1,8}):([^:]*):([^:]*):(\\w+)");

    private TlsFailure() {}

    /**
     * The reason for {@code cause}, or null if it is no TLS failure (a refused or timed-out connection has none).
     */
    public static String reason(Throwable cause) {
        boolean tls = false;
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof CertificateVerifyException) {
                return format(
                        SSL_LIB + CERTIFICATE_VERIFY_FAILED,
                        "CERTIFICATE_VERIFY_FAILED:verify cert failed: " + t.getMessage());
            }
            if (t instanceof NotSslRecordException) {
                return format(SSL_LIB + WRONG_VERSION_NUMBER, "WRONG_VERSION_NUMBER");
            }
            tls |= t instanceof SSLException;
        }
        if (!tls) {
            return null;
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            Matcher openssl = OPENSSL_ERROR.matcher(message);
            if (openssl.find()) {
                long code = Long.parseLong(openssl.group(1), 16);
                return "TLS_error:|" + code + ":" + openssl.group(2) + ":" + openssl.group(3) + ":" + openssl.group(4)
                        + ":TLS_error_end";
            }
            Matcher jdk = JDK_ALERT.matcher(message);
            if (jdk.find()) {
                String name = JDK_ALERTS.get(jdk.group(1).toLowerCase(Locale.ROOT));
                if (name != null) {
                    return format(SSL_LIB + ALERTS.get(name), name);
                }
            }
        }
        // Anything else (the peer closed mid-handshake, no common protocol): the provider's own words.
        return "TLS_error:|" + String.valueOf(cause.getMessage()).replace('\n', ' ') + ":TLS_error_end";
    }

    /**
     * Envoy's SSL counters a failed handshake adds to ({@code ssl.connection_error} always; and
     * {@code ssl.fail_verify_san} for a wrong name, {@code ssl.fail_verify_error} for another refused certificate).
     */
    public static List<String> stats(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof CertificateVerifyException) {
                return List.of(
                        "ssl.connection_error",
                        VerifyingTrustManager.SAN_MISMATCH.equals(t.getMessage())
                                ? "ssl.fail_verify_san"
                                : "ssl.fail_verify_error");
            }
        }
        return List.of("ssl.connection_error");
    }

    private static String format(int code, String text) {
        return "TLS_error:|" + code + ":SSL routines:OPENSSL_internal:" + text + ":TLS_error_end";
    }
}
