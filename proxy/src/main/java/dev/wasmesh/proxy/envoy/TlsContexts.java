package dev.wasmesh.proxy.envoy;

import dev.wasmesh.config.ConfigException;
import dev.wasmesh.config.ConfigMap;
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
    UpstreamTls upstream(ConfigMap parent) throws ConfigException {
        ConfigMap context = typedConfig(parent, UPSTREAM_TYPE);
        if (context == null) {
            return null;
        }
        String sni = context.string("sni", null);
        ConfigMap common = context.optMap("common_tls_context");
        Common c = common == null ? new Common() : common(common);
        context.done();
        if (c.certificates.size() > 1) {
            throw common.error("tls_certificates", "an upstream presents one certificate");
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
            throw context.error(e.getMessage());
        }
    }

    /** The {@code transport_socket} of a filter chain, or null if none (plain text). */
    DownstreamTls downstream(ConfigMap parent) throws ConfigException {
        ConfigMap context = typedConfig(parent, DOWNSTREAM_TYPE);
        if (context == null) {
            return null;
        }
        boolean require = context.bool("require_client_certificate", false);
        ConfigMap common = context.map("common_tls_context");
        Common c = common(common);
        context.done();
        if (c.certificates.size() != 1) {
            throw common.error(
                    "tls_certificates", "wasmesh serves exactly one certificate, found " + c.certificates.size());
        }
        if (!c.subjectAltNames.isEmpty()) {
            throw common.error(
                    "validation_context", "match_typed_subject_alt_names on client certificates is not supported");
        }
        try {
            return new DownstreamTls(c.certificates.get(0), c.verify ? c.trustedCa : null, require, c.alpn);
        } catch (IllegalArgumentException e) {
            throw context.error(e.getMessage());
        }
    }

    private static ConfigMap typedConfig(ConfigMap parent, String type) throws ConfigException {
        ConfigMap socket = parent.optMap("transport_socket");
        if (socket == null) {
            return null;
        }
        String name = socket.requireString("name");
        if (!name.equals(TLS) && !name.equals("tls")) {
            throw socket.error("name", "wasmesh runs the " + TLS + " transport socket, not " + name);
        }
        ConfigMap context = socket.map("typed_config");
        socket.done();
        Extensions.expectType(context, type);
        return context;
    }

    private static final class Common {
        final List<TlsCertificate> certificates = new ArrayList<>();
        byte[] trustedCa;
        final List<String> subjectAltNames = new ArrayList<>();
        boolean verify = true;
        List<String> alpn = List.of();
    }

    private Common common(ConfigMap common) throws ConfigException {
        Common c = new Common();
        for (ConfigMap cert : common.maps("tls_certificates")) {
            byte[] chain = dataSource(cert.map("certificate_chain"));
            byte[] key = dataSource(cert.map("private_key"));
            cert.done();
            try {
                c.certificates.add(new TlsCertificate(chain, key, cert.path()));
            } catch (IllegalArgumentException e) {
                throw cert.error(e.getMessage());
            }
        }
        c.alpn = common.strings("alpn_protocols");
        ConfigMap validation = common.optMap("validation_context");
        if (validation != null) {
            ConfigMap ca = validation.optMap("trusted_ca");
            c.trustedCa = ca == null ? null : dataSource(ca);
            for (ConfigMap san : validation.maps("match_typed_subject_alt_names")) {
                String type = san.requireString("san_type");
                if (!type.equals("DNS") && !type.equals("IP_ADDRESS")) {
                    throw san.error("san_type", "wasmesh matches DNS and IP_ADDRESS names, not " + type);
                }
                c.subjectAltNames.add(exact(san.map("matcher")));
                san.done();
            }
            for (ConfigMap m : validation.maps("match_subject_alt_names")) {
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

    private static String exact(ConfigMap matcher) throws ConfigException {
        String exact = matcher.string("exact", null);
        if (exact == null) {
            throw matcher.error("wasmesh matches subject alt names by exact only");
        }
        matcher.done();
        return exact;
    }

    /** Envoy's DataSource: a file (relative to the base directory), inline text or inline base64 bytes. */
    private byte[] dataSource(ConfigMap source) throws ConfigException {
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
            throw source.error(e.getMessage());
        }
        throw source.error("needs filename, inline_string or inline_bytes");
    }
}
