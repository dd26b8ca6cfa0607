package dev.wasmesh.deploy.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Validates manifests against the openAPIV3Schema of Istio's real CRDs (shared/crds/istio-extensibility.yaml), as
 * strictly as {@code kubectl apply} does by default: fields the schema does not define are errors, except under
 * {@code x-kubernetes-preserve-unknown-fields}; and the CEL rules ({@code x-kubernetes-validations}) of the same
 * schema.
 */
public final class CrdSchemas {
    public static final String CRD_FILE = "shared/crds/istio-extensibility.yaml";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, JsonSchema> schemas = new HashMap<>();
    private final Map<String, JsonNode> rawSchemas = new HashMap<>();
    private final CelRules cel = new CelRules();

    public CrdSchemas() {
        Path file = RepoFiles.require(CRD_FILE);
        try (var parser = new YAMLFactory().createParser(file.toFile())) {
            Iterator<JsonNode> docs = new YAMLMapper().readValues(parser, JsonNode.class);
            while (docs.hasNext()) {
                JsonNode crd = docs.next();
                if (crd == null
                        || !"CustomResourceDefinition".equals(crd.path("kind").asText())) {
                    continue;
                }
                String group = crd.path("spec").path("group").asText();
                String kind = crd.path("spec").path("names").path("kind").asText();
                for (JsonNode version : crd.path("spec").path("versions")) {
                    ObjectNode schema =
                            version.path("schema").path("openAPIV3Schema").deepCopy();
                    rawSchemas.put(group + "/" + version.path("name").asText() + "/" + kind, schema.deepCopy());
                    strict(schema);
                    ObjectNode properties = (ObjectNode) schema.path("properties");
                    properties.set("apiVersion", JSON.createObjectNode().put("type", "string"));
                    properties.set("kind", JSON.createObjectNode().put("type", "string"));
                    properties.set("metadata", JSON.createObjectNode().put("type", "object"));
                    schemas.put(
                            group + "/" + version.path("name").asText() + "/" + kind,
                            JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4)
                                    .getSchema(schema));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the schema violations, empty when the manifest is valid */
    public List<String> validate(JsonNode manifest) {
        String key = manifest.path("apiVersion").asText() + "/"
                + manifest.path("kind").asText();
        JsonSchema schema = schemas.get(key);
        if (schema == null) {
            return List.of("no CRD in " + CRD_FILE + " defines " + key);
        }
        Set<ValidationMessage> errors = schema.validate(manifest);
        List<String> messages =
                errors.stream().map(ValidationMessage::getMessage).sorted().collect(Collectors.toList());
        messages.addAll(cel.check(rawSchemas.get(key), manifest));
        return messages;
    }

    public Set<String> kinds() {
        return schemas.keySet();
    }

    private static void strict(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.has("properties")
                    && !object.has("additionalProperties")
                    && !object.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
                object.put("additionalProperties", false);
            }
            if (object.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
                return; // free-form below here
            }
            object.properties().forEach(field -> strict(field.getValue()));
        } else if (node.isArray()) {
            node.forEach(CrdSchemas::strict);
        }
    }
}
