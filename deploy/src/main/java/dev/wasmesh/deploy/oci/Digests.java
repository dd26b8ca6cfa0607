package dev.wasmesh.deploy.oci;

import dev.wasmesh.deploy.DeployException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** SHA-256 content digests in the OCI form {@code sha256:<64 hex>}. */
public final class Digests {
    private static final Pattern SHA256_DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");
    private static final Pattern SHA256_HEX = Pattern.compile("[a-f0-9]{64}");

    private Digests() {}

    public static String sha256Hex(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always provides SHA-256", e);
        }
    }

    public static String sha256(byte[] content) {
        return "sha256:" + sha256Hex(content);
    }

    public static boolean isDigest(String value) {
        return SHA256_DIGEST.matcher(value).matches();
    }

    /** Accepts {@code sha256:<hex>} or bare hex (as Istio's {@code sha256} fields hold) and returns bare hex. */
    public static String normalizeHex(String value) {
        String hex = value.startsWith("sha256:") ? value.substring("sha256:".length()) : value;
        hex = hex.toLowerCase(java.util.Locale.ROOT);
        if (!SHA256_HEX.matcher(hex).matches()) {
            throw new DeployException(
                    "'" + value + "' is not a SHA-256 digest (64 hex digits, optionally after sha256:)");
        }
        return hex;
    }

    /** Refuses content whose digest is not the one it was published under. */
    public static void verify(String expectedDigest, byte[] content, String what) {
        verifyDigest(expectedDigest, sha256(content), what);
    }

    /** {@link #verify(String, byte[], String)} for content already hashed, so that it is not hashed twice. */
    static void verifyDigest(String expectedDigest, String actual, String what) {
        if (!actual.equals(expectedDigest)) {
            throw new DeployException("digest mismatch for " + what + ": expected " + expectedDigest
                    + " but the content is " + actual + "; refusing it");
        }
    }
}
