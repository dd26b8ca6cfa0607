package dev.wasmesh.deploy.oci;

import static dev.wasmesh.deploy.oci.RegistryTransport.errorDetail;
import static dev.wasmesh.deploy.oci.RegistryTransport.served;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wasmesh.deploy.DeployException;
import dev.wasmesh.deploy.oci.RegistryTransport.Reply;
import dev.wasmesh.deploy.oci.RegistryTransport.Request;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The two auth schemes registries use: Basic, and the Bearer token flow (Docker Hub, GHCR and others) with a token per
 * host and scope. Remembers what it was granted, so later requests carry it before being challenged again.
 */
final class RegistryAuth {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryClient.Settings settings;
    private final RegistryTransport transport;
    /** Authorization header values: Basic per host, Bearer per host and scope. */
    private final Map<String, String> authorizations = new ConcurrentHashMap<>();

    RegistryAuth(RegistryClient.Settings settings, RegistryTransport transport) {
        this.settings = settings;
        this.transport = transport;
    }

    String authorization(String host, String scope) {
        String bearer = authorizations.get(host + " " + scope);
        return bearer != null ? bearer : authorizations.get(host);
    }

    void authenticate(ImageReference ref, String scope, Reply challenged) {
        AuthChallenge challenge = AuthChallenge.parse(
                        challenged.header("WWW-Authenticate").orElse(null))
                .orElseThrow(() -> new DeployException(
                        "registry " + ref.registry() + " answered 401 without an authentication" + " challenge"));
        Optional<Credentials> credentials = settings.credentials().lookup(ref.registry());
        if (challenge.isBasic()) {
            Credentials basic =
                    credentials.filter(Credentials::hasPassword).orElseThrow(() -> authenticationRequired(ref));
            authorizations.put(ref.apiHost(), basic.basicAuthorization());
        } else if (challenge.isBearer()) {
            authorizations.put(ref.apiHost() + " " + scope, "Bearer " + fetchToken(ref, challenge, scope, credentials));
        } else {
            throw new DeployException("registry " + ref.registry() + " asks for " + challenge.scheme()
                    + " authentication, which wasmesh does not speak (Basic and Bearer only)");
        }
    }

    /**
     * What {@code docker login} sends to meet the challenge of {@code GET /v2/}: Basic, or a token from the token
     * service asked for no scope.
     */
    String loginAuthorization(ImageReference ref, Reply challenged) {
        String registry = ref.registry();
        AuthChallenge challenge = AuthChallenge.parse(
                        challenged.header("WWW-Authenticate").orElse(null))
                .orElseThrow(() -> new DeployException(
                        "registry " + registry + " answered 401 without an authentication" + " challenge"));
        Credentials credentials = settings.credentials()
                .lookup(registry)
                .orElseThrow(() -> new DeployException("no credentials for " + registry));
        if (challenge.isBasic() && credentials.hasPassword()) {
            return credentials.basicAuthorization();
        }
        if (challenge.isBearer()) {
            return "Bearer " + fetchToken(ref, challenge, null, Optional.of(credentials));
        }
        throw new DeployException("registry " + registry + " asks for " + challenge.scheme()
                + " authentication, which wasmesh does not speak (Basic and Bearer only)");
    }

    /**
     * The token flow: ask the realm for a token for this scope (none: a login check), logged in when we have
     * credentials.
     */
    private String fetchToken(
            ImageReference ref, AuthChallenge challenge, String scope, Optional<Credentials> credentials) {
        String realm = challenge.parameters().get("realm");
        if (realm == null) {
            throw new DeployException("registry " + ref.registry() + " sent a Bearer challenge without a realm");
        }
        String service = challenge.parameters().getOrDefault("service", "");
        Map<String, String> query = new LinkedHashMap<>();
        if (!service.isEmpty()) {
            query.put("service", service);
        }
        if (scope != null) {
            query.put("scope", scope);
        }
        Request request;
        if (credentials.isPresent() && credentials.get().identityToken() != null) {
            // An identity token is an OAuth2 refresh token: exchange it with a POST, as Docker does.
            query.put("grant_type", "refresh_token");
            query.put("client_id", "wasmesh");
            query.put("refresh_token", credentials.get().identityToken());
            request = new Request(
                    "POST",
                    served(ref, null, realm, "token realm"),
                    Map.of("Content-Type", "application/x-www-form-urlencoded"),
                    form(query).getBytes(StandardCharsets.UTF_8),
                    null);
        } else {
            request = new Request(
                    "GET",
                    served(ref, null, realm + (realm.contains("?") ? "&" : "?") + form(query), "token realm"),
                    Map.of(),
                    null,
                    null);
        }
        String authorization = credentials
                .filter(Credentials::hasPassword)
                .map(Credentials::basicAuthorization)
                .orElse(null);
        Reply reply;
        try {
            reply = transport.send(request, authorization);
        } catch (IOException e) {
            throw transport.unreachable(ref, request.uri(), e);
        }
        if (reply.status() == 401 || reply.status() == 403) {
            throw credentials.isPresent()
                    ? new DeployException("authentication to " + ref.registry() + " refused by its token service "
                            + realm + " (HTTP " + reply.status() + errorDetail(reply) + ")")
                    : authenticationRequired(ref);
        }
        if (reply.status() != 200) {
            throw new DeployException("token service " + realm + " of " + ref.registry() + " answered HTTP "
                    + reply.status() + errorDetail(reply));
        }
        try {
            JsonNode answer = JSON.readTree(reply.body());
            String token =
                    answer.path("token").asText(answer.path("access_token").asText(""));
            if (token.isEmpty()) {
                throw new DeployException(
                        "token service " + realm + " of " + ref.registry() + " answered without a token");
            }
            return token;
        } catch (IOException e) {
            throw new DeployException("token service " + realm + " of " + ref.registry() + " answered invalid JSON");
        }
    }

    private static String form(Map<String, String> fields) {
        StringBuilder out = new StringBuilder();
        fields.forEach((name, value) -> out.append(out.length() == 0 ? "" : "&")
                .append(name)
                .append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return out.toString();
    }

    static DeployException authenticationRequired(ImageReference ref) {
        return new DeployException("registry " + ref.registry() + " requires authentication for " + ref.repository()
                + ": run wasmesh login " + ref.registry() + " or pass --username and --password-stdin");
    }
}
