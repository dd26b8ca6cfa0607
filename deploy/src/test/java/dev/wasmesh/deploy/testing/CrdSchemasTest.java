package dev.wasmesh.deploy.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The validator the manifest tests rely on must refuse what the API server would refuse. */
class CrdSchemasTest {
    private static final CrdSchemas SCHEMAS = new CrdSchemas();
    private final ObjectMapper json = new ObjectMapper();

    private JsonNode plugin(String spec) throws Exception {
        return json.readTree("{\"apiVersion\":\"extensions.istio.io/v1alpha1\",\"kind\":\"WasmPlugin\","
                + "\"metadata\":{\"name\":\"x\"},\"spec\":" + spec + "}");
    }

    @Test
    void knowsTheThreeKinds() {
        assertThat(SCHEMAS.kinds())
                .containsExactlyInAnyOrder(
                        "networking.istio.io/v1alpha3/EnvoyFilter",
                        "extensions.istio.io/v1alpha1/WasmPlugin",
                        "extensions.istio.io/v1alpha1/TrafficExtension");
    }

    @Test
    void acceptsAValidManifestAndRefusesInvalidOnes() throws Exception {
        assertThat(SCHEMAS.validate(
                        plugin("{\"url\":\"oci://r/x:1\",\"phase\":\"AUTHN\",\"pluginConfig\":{\"any\":[1]}}")))
                .isEmpty();
        assertThat(SCHEMAS.validate(plugin("{\"url\":\"oci://r/x:1\",\"phase\":\"LATE\"}")))
                .isNotEmpty();
        assertThat(SCHEMAS.validate(plugin("{\"url\":\"oci://r/x:1\",\"sha256\":\"sha256:abc\"}")))
                .isNotEmpty();
        assertThat(SCHEMAS.validate(plugin("{\"url\":\"oci://r/x:1\",\"unknownField\":true}")))
                .isNotEmpty();
        assertThat(SCHEMAS.validate(plugin("{\"phase\":\"AUTHN\"}")))
                .as("url is required")
                .isNotEmpty();
    }

    @Test
    void checksTheCelRules() throws Exception {
        assertThat(SCHEMAS.validate(
                        plugin("{\"url\":\"file:///var/lib/x.wasm\",\"selector\":{\"matchLabels\":{\"a\":\"b\"}}}")))
                .isEmpty();
        assertThat(SCHEMAS.validate(plugin("{\"url\":\"oci://r/x:1\",\"selector\":{\"matchLabels\":{\"a\":\"b\"}},"
                        + "\"targetRefs\":[{\"kind\":\"Gateway\",\"name\":\"g\"}]}")))
                .containsExactly(".spec: only one of targetRefs or selector can be set");
        assertThat(SCHEMAS.validate(plugin("{\"url\":\"ftp://r/x.wasm\"}")))
                .containsExactly(".spec.url: url must have schema one of [http, https, file, oci]");
        assertThat(SCHEMAS.validate(plugin("{\"url\":\"oci://r/x:1\",\"selector\":{\"matchLabels\":{\"a\":\"b*\"}}}")))
                .containsExactly(".spec.selector.matchLabels.a: wildcard not allowed in label value match");
        assertThat(SCHEMAS.validate(plugin("{\"url\":\"oci://r/x:1\","
                        + "\"vmConfig\":{\"env\":[{\"name\":\"A\",\"value\":\"1\","
                        + "\"valueFrom\":\"HOST\"}]}}")))
                .containsExactly(".spec.vmConfig.env[0]: value may only be set when valueFrom is INLINE");
    }
}
