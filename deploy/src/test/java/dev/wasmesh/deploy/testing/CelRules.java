package dev.wasmesh.deploy.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a CRD's {@code x-kubernetes-validations} rules on a manifest with cel-java, as the API server would. The
 * rules in Istio's CRDs use standard CEL plus the Kubernetes URL library ({@code isURL}, {@code url(…).getScheme()}),
 * declared here after Kubernetes' semantics: a URL is what Go's {@code url.ParseRequestURI} accepts.
 */
final class CelRules {
    private static final OpaqueType URL = OpaqueType.create("kubernetes.URL");
    private final CelCompiler compiler = CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS) // has(), all(), exists() as Kubernetes has them
            .addVar("self", SimpleType.DYN)
            .addFunctionDeclarations(
                    CelFunctionDecl.newFunctionDeclaration(
                            "isURL",
                            CelOverloadDecl.newGlobalOverload("is_url_string", SimpleType.BOOL, SimpleType.STRING)),
                    CelFunctionDecl.newFunctionDeclaration(
                            "url", CelOverloadDecl.newGlobalOverload("string_to_url", URL, SimpleType.STRING)),
                    CelFunctionDecl.newFunctionDeclaration(
                            "getScheme", CelOverloadDecl.newMemberOverload("url_get_scheme", SimpleType.STRING, URL)))
            .build();
    private final CelRuntime runtime = CelRuntimeFactory.standardCelRuntimeBuilder()
            .addFunctionBindings(
                    CelFunctionBinding.from("is_url_string", String.class, CelRules::isUrl),
                    CelFunctionBinding.from("string_to_url", String.class, text -> URI.create(text)),
                    CelFunctionBinding.from(
                            "url_get_scheme", URI.class, uri -> uri.getScheme() == null ? "" : uri.getScheme()))
            .build();

    /** @return the messages of the rules the manifest breaks, with the path of the value each was checked on */
    List<String> check(JsonNode schema, JsonNode value) {
        List<String> errors = new ArrayList<>();
        walk(schema, value, "", errors);
        return errors;
    }

    private void walk(JsonNode schema, JsonNode value, String path, List<String> errors) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return;
        }
        for (JsonNode rule : schema.path("x-kubernetes-validations")) {
            if (!evaluate(rule.path("rule").asText(), value)) {
                errors.add((path.isEmpty() ? "<root>" : path) + ": "
                        + rule.path("message").asText(rule.path("rule").asText()));
            }
        }
        if (value.isObject()) {
            JsonNode properties = schema.path("properties");
            for (Map.Entry<String, JsonNode> field : value.properties()) {
                JsonNode fieldSchema = properties.has(field.getKey())
                        ? properties.get(field.getKey())
                        : schema.path("additionalProperties");
                walk(fieldSchema, field.getValue(), path + "." + field.getKey(), errors);
            }
        } else if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                walk(schema.path("items"), value.get(i), path + "[" + i + "]", errors);
            }
        }
    }

    private boolean evaluate(String rule, JsonNode value) {
        try {
            Object result =
                    runtime.createProgram(compiler.compile(rule).getAst()).eval(Map.of("self", toCel(value)));
            return Boolean.TRUE.equals(result);
        } catch (Exception e) {
            throw new IllegalStateException("cannot evaluate CEL rule '" + rule + "': " + e.getMessage(), e);
        }
    }

    private static Object toCel(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.properties().forEach(e -> map.put(e.getKey(), toCel(e.getValue())));
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(e -> list.add(toCel(e)));
            return list;
        }
        if (node.isIntegralNumber()) {
            return node.asLong();
        }
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        return node.asText();
    }

    /** Go's url.ParseRequestURI: an absolute URI, or an absolute path. */
    private static boolean isUrl(String text) {
        try {
            URI uri = new URI(text);
            return uri.isAbsolute() || text.startsWith("/");
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
