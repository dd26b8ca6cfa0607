package dev.wasmesh.host.internal.envoy;

import dev.wasmesh.host.abi.AbiException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Locale;

/**
 * Envoy's {@code verify_signature} and {@code sign} foreign functions: protobuf arguments in, a protobuf result out
 * ({@code OK}), as Envoy's crypto utility does them: RSA (PKCS #1 v1.5) or ECDSA keys, in DER (SubjectPublicKeyInfo,
 * PKCS #8) or PEM, with the hash named by {@code hash_function} (sha1, sha224, sha256, sha384, sha512). Arguments
 * that do not parse, or with no key or both forms of it, → BAD_ARGUMENT; a key that does not load → BAD_ARGUMENT, as
 * in Envoy, whose import fails then.
 */
final class EnvoySignatures {
    private EnvoySignatures() {}

    /** VerifySignatureArguments: hash_function 1, public_key 2, signature 3, text 4, public_key_pem 5. */
    static byte[] verify(byte[] args) {
        EnvoyForeignFunctions.ProtoReader.Fields f = EnvoyForeignFunctions.ProtoReader.read(args);
        String hash = f.string(1);
        PublicKey key = publicKey(f.bytes(2), f.string(5));
        byte[] signature = f.bytes(3);
        byte[] text = f.bytes(4);
        String error = "";
        boolean ok = false;
        String algorithm = algorithm(hash, key.getAlgorithm());
        if (algorithm == null) {
            error = hash + " is not supported.";
        } else {
            try {
                Signature s = Signature.getInstance(algorithm);
                s.initVerify(key);
                s.update(text);
                ok = s.verify(signature);
                if (!ok) {
                    error = "Failed to verify digest. Error code: 0";
                }
            } catch (GeneralSecurityException e) {
                error = "Failed to verify digest. Error code: 0";
            }
        }
        return new PropertyValues.Proto().varint(1, ok ? 1 : 0).string(2, error).bytes();
    }

    /** SignArguments: hash_function 1, private_key 2, text 3, private_key_pem 4. */
    static byte[] sign(byte[] args) {
        EnvoyForeignFunctions.ProtoReader.Fields f = EnvoyForeignFunctions.ProtoReader.read(args);
        String hash = f.string(1);
        PrivateKey key = privateKey(f.bytes(2), f.string(4));
        byte[] text = f.bytes(3);
        String algorithm = algorithm(hash, key.getAlgorithm());
        PropertyValues.Proto result = new PropertyValues.Proto();
        if (algorithm == null) {
            return result.varint(1, 0).string(3, hash + " is not supported.").bytes();
        }
        try {
            Signature s = Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(text);
            byte[] signature = s.sign();
            return result.varint(1, 1).field(2, signature).bytes();
        } catch (GeneralSecurityException e) {
            return result.varint(1, 0).string(3, "Failed to sign data.").bytes();
        }
    }

    /** The JCA name for a hash and a key type, or null for a hash Envoy does not know. */
    private static String algorithm(String hash, String keyAlgorithm) {
        String digest = switch (hash.toLowerCase(Locale.ROOT)) {
            case "sha1" -> "SHA1";
            case "sha224" -> "SHA224";
            case "sha256" -> "SHA256";
            case "sha384" -> "SHA384";
            case "sha512" -> "SHA512";
            default -> null;
        };
        if (digest == null) {
            return null;
        }
        return digest + (keyAlgorithm.equals("EC") ? "withECDSA" : "withRSA");
    }

    private static PublicKey publicKey(byte[] der, String pem) {
        byte[] spki = keyBytes(der, pem, "PUBLIC KEY");
        for (String type : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(spki));
            } catch (GeneralSecurityException e) {
                // try the next key type
            }
        }
        throw AbiException.BAD_ARGUMENT;
    }

    private static PrivateKey privateKey(byte[] der, String pem) {
        byte[] pkcs8 = keyBytes(der, pem, "PRIVATE KEY");
        for (String type : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(type).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException e) {
                // try the next key type
            }
        }
        throw AbiException.BAD_ARGUMENT;
    }

    /** The DER bytes of a key given in exactly one of DER and PEM (the PEM block {@code label}). */
    private static byte[] keyBytes(byte[] der, String pem, String label) {
        if ((der.length > 0) == !pem.isEmpty()) {
            throw AbiException.BAD_ARGUMENT;
        }
        if (der.length > 0) {
            return der;
        }
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int b = pem.indexOf(begin);
        int e = pem.indexOf(end);
        if (b < 0 || e < b) {
            throw AbiException.BAD_ARGUMENT;
        }
        try {
            return Base64.getMimeDecoder()
                    .decode(pem.substring(b + begin.length(), e).getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException ex) {
            throw AbiException.BAD_ARGUMENT;
        }
    }
}
