package dev.wasmesh.host;

import static dev.wasmesh.host.Probe.Cb.CONFIGURE;
import static dev.wasmesh.host.Probe.Cb.REQUEST_HEADERS;
import static dev.wasmesh.host.Probe.Op.PROXY_CALL_FOREIGN_FUNCTION;
import static dev.wasmesh.host.Probe.Op.PROXY_GET_PROPERTY;
import static dev.wasmesh.host.Probe.Op.PROXY_SET_PROPERTY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wasmesh.host.abi.Status;
import dev.wasmesh.host.internal.envoy.EnvoyForeignFunctions;
import dev.wasmesh.host.module.ProxyWasmModule;
import dev.wasmesh.host.stream.HeaderMap;
import dev.wasmesh.host.stream.Metadata;
import dev.wasmesh.host.stream.NodeInfo;
import dev.wasmesh.host.stream.StreamControl;
import dev.wasmesh.host.stream.StreamInfo;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Envoy's built-in foreign functions as a filter calls them, and the structured attributes they touch. */
class EnvoyForeignFunctionsTest {
    private final Probe p = Probe.create(ProxyWasmModule.Engine.COMPILER);

    private Probe.Step get(String path, Probe.OutBytes out) {
        return p.call(PROXY_GET_PROPERTY, p.str(path.replace('.', '\0')), out);
    }

    private Probe.Step foreign(String name, byte[] args) {
        return p.call(PROXY_CALL_FOREIGN_FUNCTION, p.str(name), p.bytes(args), p.outBytes());
    }

    @Test
    void aReadOnlyDeclaredPropertyIsSetOncePerStream() {
        // DeclarePropertyArguments{name: "once", readonly: true, type: STRING (2)}
        Probe.Step declare = foreign("declare_property", new byte[] {0x0A, 4, 'o', 'n', 'c', 'e', 0x10, 1, 0x18, 2});
        p.on(CONFIGURE, declare);
        RootContext root = p.vm.createRootContext(Probe.plugin("probe"));
        Probe.OutBytes value = p.outBytes();
        Probe.Step[] steps = {
            p.call(PROXY_SET_PROPERTY, p.str("once"), p.str("first")),
            p.call(PROXY_SET_PROPERTY, p.str("once"), p.str("second")),
            p.call(PROXY_SET_PROPERTY, p.str("free"), p.str("1")),
            p.call(PROXY_SET_PROPERTY, p.str("free"), p.str("2")),
            get("once", value)
        };
        p.on(REQUEST_HEADERS, steps);
        root.newHttpContext().onRequestHeaders(HeaderMap.of(":path", "/"), true);
        assertThat(declare.status()).isEqualTo(Status.OK);
        assertThat(List.of(steps))
                .extracting(Probe.Step::status)
                .containsExactly(Status.OK, Status.BAD_ARGUMENT, Status.OK, Status.OK, Status.OK);
        assertThat(value.string()).isEqualTo("first");
        // Each stream has its own value.
        Probe.Step again = p.call(PROXY_SET_PROPERTY, p.str("once"), p.str("third"));
        p.on(REQUEST_HEADERS, again);
        root.newHttpContext().onRequestHeaders(HeaderMap.of(":path", "/"), true);
        assertThat(again.status()).isEqualTo(Status.OK);
    }

    @Test
    void theRouteIsLookedUpOnceUntilClearRouteCache() {
        AtomicInteger lookups = new AtomicInteger();
        StreamInfo info = new StreamInfo();
        info.routeLookup(() -> {
            lookups.incrementAndGet();
            info.route("backend", "r" + lookups.get())
                    .routeMetadata(Metadata.of(Map.of("ns", Map.of("k", "v"))), Metadata.EMPTY, "vh", Metadata.EMPTY);
        });
        Probe.OutBytes first = p.outBytes();
        Probe.OutBytes cached = p.outBytes();
        Probe.OutBytes after = p.outBytes();
        Probe.OutBytes metadata = p.outBytes();
        Probe.Step[] steps = {
            get("xds.route_name", first),
            get("xds.route_name", cached),
            foreign("clear_route_cache", new byte[0]),
            get("xds.route_name", after),
            get("xds.route_metadata.filter_metadata.ns.k", metadata)
        };
        p.on(REQUEST_HEADERS, steps);
        p.vm.createRootContext(Probe.plugin("probe"))
                .newHttpContext(StreamControl.NONE, info)
                .onRequestHeaders(HeaderMap.of(":path", "/"), true);
        assertThat(List.of(steps)).extracting(Probe.Step::status).containsOnly(Status.OK);
        assertThat(first.string()).isEqualTo("r1");
        assertThat(cached.string()).isEqualTo("r1");
        assertThat(after.string()).isEqualTo("r2");
        assertThat(metadata.string()).isEqualTo("v");
        assertThat(lookups).hasValue(2);
    }

    @Test
    void theNodeIsThereForRootContextsAndTheRestOfXdsIsNot() {
        p.env.node(new NodeInfo("n1", "c1", Map.of("NAME", "pod"), "", "", ""));
        Probe.OutBytes id = p.outBytes();
        Probe.OutBytes whole = p.outBytes();
        Probe.Step idStep = get("xds.node.id", id);
        Probe.Step wholeStep = get("xds.node", whole);
        Probe.Step route = get("xds.route_name", p.outBytes());
        p.on(CONFIGURE, idStep, wholeStep, route);
        p.vm.createRootContext(Probe.plugin("probe"));
        assertThat(idStep.status()).isEqualTo(Status.OK);
        assertThat(id.string()).isEqualTo("n1");
        // Node{id: "n1", cluster: "c1", metadata: {NAME: "pod"}} in protobuf's encoding.
        byte[] expected = {
            0x0A, 2, 'n', '1', 0x12, 2, 'c', '1', 0x1A, 15, 0x0A, 13, 0x0A, 4, 'N', 'A', 'M', 'E', 0x12, 5, 0x1A, 3,
            'p', 'o', 'd'
        };
        assertThat(whole.bytes()).isEqualTo(expected);
        assertThat(route.status()).isEqualTo(Status.NOT_FOUND);
    }

    /** A protobuf message of length-delimited fields (field number, bytes), in order. */
    private static byte[] message(Object... fieldsAndValues) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            int field = (Integer) fieldsAndValues[i];
            Object v = fieldsAndValues[i + 1];
            byte[] b = v instanceof String str ? str.getBytes(StandardCharsets.UTF_8) : (byte[]) v;
            varint(out, (field << 3) | 2);
            varint(out, b.length);
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    private static void varint(ByteArrayOutputStream out, int v) {
        while ((v & ~0x7F) != 0) {
            out.write((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write(v);
    }

    private byte[] callForeign(String name, byte[] args, Status expected) {
        Probe.OutBytes out = p.outBytes();
        Probe.Step step = p.call(PROXY_CALL_FOREIGN_FUNCTION, p.str(name), p.bytes(args), out);
        p.on(CONFIGURE, step);
        p.vm.createRootContext(Probe.plugin("probe-" + name + "-" + args.length));
        assertThat(step.status()).isEqualTo(expected);
        return expected == Status.OK ? out.bytes() : null;
    }

    @Test
    void verifySignatureChecksRsaAndEcdsaSignaturesWithDerAndPemKeys() throws Exception {
        byte[] text = "signed text".getBytes(StandardCharsets.UTF_8);
        for (String type : new String[] {"RSA", "EC"}) {
            KeyPair kp = KeyPairGenerator.getInstance(type).generateKeyPair();
            Signature s = Signature.getInstance(type.equals("EC") ? "SHA256withECDSA" : "SHA256withRSA");
            s.initSign(kp.getPrivate());
            s.update(text);
            byte[] sig = s.sign();
            byte[] der = kp.getPublic().getEncoded();
            String pem = "-----BEGIN PUBLIC KEY-----\n"
                    + Base64.getMimeEncoder().encodeToString(der) + "\n-----END PUBLIC KEY-----\n";
            // VerifySignatureResult{result: true} is the one byte pair 08 01.
            assertThat(callForeign("verify_signature", message(1, "sha256", 2, der, 3, sig, 4, text), Status.OK))
                    .containsExactly(0x08, 0x01);
            assertThat(callForeign("verify_signature", message(1, "sha256", 3, sig, 4, text, 5, pem), Status.OK))
                    .containsExactly(0x08, 0x01);
            byte[] bad =
                    callForeign("verify_signature", message(1, "sha256", 2, der, 3, sig, 4, "other text"), Status.OK);
            assertThat(new String(bad, StandardCharsets.UTF_8)).contains("Failed to verify digest");
            byte[] md5 = callForeign("verify_signature", message(1, "md5", 2, der, 3, sig, 4, text), Status.OK);
            assertThat(new String(md5, StandardCharsets.UTF_8)).contains("md5 is not supported.");
            // Both key forms, or none: BAD_ARGUMENT.
            callForeign("verify_signature", message(1, "sha256", 2, der, 3, sig, 4, text, 5, pem), Status.BAD_ARGUMENT);
            callForeign("verify_signature", message(1, "sha256", 3, sig, 4, text), Status.BAD_ARGUMENT);

            // sign, then verify what it made.
            byte[] signed =
                    callForeign("sign", message(1, "sha256", 2, kp.getPrivate().getEncoded(), 3, text), Status.OK);
            assertThat(signed[0]).isEqualTo((byte) 0x08);
            assertThat(signed[1]).isEqualTo((byte) 0x01);
            EnvoyForeignFunctions.ProtoReader.Fields result = EnvoyForeignFunctions.ProtoReader.read(signed);
            Signature v = Signature.getInstance(type.equals("EC") ? "SHA256withECDSA" : "SHA256withRSA");
            v.initVerify(kp.getPublic());
            v.update(text);
            assertThat(v.verify(result.bytes(2))).as(type).isTrue();
        }
    }
}
