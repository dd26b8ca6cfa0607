package dev.wasmesh.proxy.envoy;

import dev.wasmesh.proxy.tls.DownstreamTls;
import dev.wasmesh.proxy.tls.TlsCertificate;
import dev.wasmesh.proxy.tls.UpstreamTls;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A {@code transport_socket} with {@code envoy.transport_sockets.tls}: a cluster's {@code UpstreamTlsContext} or a
 * filter chain's {@code DownstreamTlsContext}, with the fields wasmesh runs (others are errors, as everywhere in the
 * configuration).
 */
final class TlsContexts {
    static final String TLS = "envoy.transport_sockets.tls";
    static final String UPSTREAM_TYPE =
            "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext";
    static final String DOWNSTREAM_TYPE =
            "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext";

    private final Path baseDir;

    TlsContexts(Path baseDir) {
        this.baseDir = baseDir;
    }

    /** The {@code transport_socket} of a cluster, or null if none (plain text). */
    UpstreamTls upstream(Node parent) throws EnvoyConfigException {
        Node context = typedConfig(parent, UPSTREAM_TYPE);
        if (context == null) {
            return null;
        }
        String sni = context.string("sni", null);
        Node common = context.optObject("common_tls_context");
        Common c = common == null ? new Common() : common(common);
        context.done();
        if (c.certificates.size() > 1) {
            throw new EnvoyConfigException(common.child("tls_certificates") + ": an upstream presents one certificate");
        }
        try {
            return new UpstreamTls(
                    sni,
                    c.trustedCa,
                    c.certificates.isEmpty() ? null : c.certificates.get(0),
                    c.alpn,
                    c.subjectAltNames,
                    c.verify);
        } catch (IllegalArgumentException e) {
            throw new EnvoyConfigException(context.path() + ": " + e.getMessage());
        }
    }

    /** The {@code transport_socket} of a filter chain, or null if none (plain text). */
    DownstreamTls downstream(Node parent) throws EnvoyConfigException {
        Node context = typedConfig(parent, DOWNSTREAM_TYPE);
        if (context == null) {
            return null;
        }
        boolean require = context.bool("require_client_certificate", false);
        Node common = context.object("common_tls_context");
        Common c = common(common);
        context.done();
        if (c.certificates.size() != 1) {
            throw new EnvoyConfigException(common.child("tls_certificates")
                    + ": wasmesh serves exactly one certificate, found " + c.certificates.size());
        }
        if (!c.subjectAltNames.isEmpty()) {
            throw new EnvoyConfigException(common.child("validation_context")
                    + ": match_typed_subject_alt_names on client certificates is not supported");
        }
        try {
            return new DownstreamTls(c.certificates.get(0), c.verify ? c.trustedCa : null, require, c.alpn);
        } catch (IllegalArgumentException e) {
            throw new EnvoyConfigException(context.path() + ": " + e.getMessage());
        }
    }

    private static Node typedConfig(Node parent, String type) throws EnvoyConfigException {
        Node socket = parent.optObject("transport_socket");
        if (socket == null) {
            return null;
        }
        String name = socket.requireString("name");
        if (!name.equals(TLS) && !name.equals("tls")) {
            throw socket.error("name", "wasmesh runs the " + TLS + " transport socket, not " + name);
        }
        Node context = socket.object("typed_config");
        socket.done();
        context.expectType(type);
        return context;
    }

    private static final class Common {
        final List<TlsCertificate> certificates = new ArrayList<>();
        byte[] trustedCa;
        final List<String> subjectAltNames = new ArrayList<>();
        boolean verify = true;
        List<String> alpn = List.of();
    }

    private Common common(Node common) throws EnvoyConfigException {
        Common c = new Common();
        for (Node cert : common.objects("tls_certificates")) {
            byte[] chain = dataSource(cert.object("certificate_chain"));
            byte[] key = dataSource(cert.object("private_key"));
            cert.done();
            try {
                c.certificates.add(new TlsCertificate(chain, key, cert.path()));
            } catch (IllegalArgumentException e) {
                throw new EnvoyConfigException(cert.path() + ": " + e.getMessage());
            }
        }
        c.alpn = common.strings("alpn_protocols");
        Node validation = common.optObject("validation_context");
        if (validation != null) {
            Node ca = validation.optObject("trusted_ca");
            c.trustedCa = ca == null ? null : dataSource(ca);
            for (Node san : validation.objects("match_typed_subject_alt_names")) {
                String type = san.requireString("san_type");
                if (!type.equals("DNS") && !type.equals("IP_ADDRESS")) {
                    throw san.error("san_type", "wasmesh matches DNS and IP_ADDRESS names, not " + type);
                }
                c.subjectAltNames.add(exact(san.object("matcher")));
                san.done();
            }
            for (Node m : validation.objects("match_subject_alt_names")) {
                c.subjectAltNames.add(exact(m));
            }
            String trust = validation.string("trust_chain_verification", "VERIFY_TRUST_CHAIN");
            if (!trust.equals("VERIFY_TRUST_CHAIN") && !trust.equals("ACCEPT_UNTRUSTED")) {
                throw validation.error(
                        "trust_chain_verification", "expected VERIFY_TRUST_CHAIN or ACCEPT_UNTRUSTED, not " + trust);
            }
            c.verify = trust.equals("VERIFY_TRUST_CHAIN");
            validation.done();
        }
        common.done();
        return c;
    }

    private static String exact(Node matcher) throws EnvoyConfigException {
        String exact = matcher.string("exact", null);
        if (exact == null) {
            throw new EnvoyConfigException(matcher.path() + ": wasmesh matches subject alt names by exact only");
        }
        matcher.done();
        return exact;
    }

    /** Envoy's DataSource: a file (relative to the base directory), inline text or inline base64 bytes. */
    private byte[] dataSource(Node source) throws EnvoyConfigException {
        String file = source.string("filename", null);
        String text = source.string("inline_string", null);
        String bytes = source.string("inline_bytes", null);
        source.done();
        try {
            if (file != null) {
                Path p = Path.of(file);
                return TlsCertificate.read(p.isAbsolute() ? p : baseDir.resolve(p));
            }
            if (text != null) {
                return text.getBytes(StandardCharsets.UTF_8);
            }
            if (bytes != null) {
                return Base64.getDecoder().decode(bytes);
            }
        } catch (IllegalArgumentException e) {
            throw new EnvoyConfigException(source.path() + ": " + e.getMessage());
        }
        throw new EnvoyConfigException(source.path() + ": needs filename, inline_string or inline_bytes");
    }
}
