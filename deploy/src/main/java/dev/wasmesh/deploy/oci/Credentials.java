package dev.wasmesh.deploy.oci;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What to log in to a registry with: a user name and password, or the identity (refresh) token that
 * {@code docker login} stores for registries that issue one.
 */
public record Credentials(String username, String password, String identityToken) {
    public static Credentials basic(String username, String password) {
        return new Credentials(username, password, null);
    }

    public static Credentials identityToken(String token) {
        return new Credentials(null, null, token);
    }

    public boolean hasPassword() {
        return username != null && password != null;
    }

    String basicAuthorization() {
        return "Basic "
                + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "Credentials[" + (hasPassword() ? "user " + username : "identity token") + "]";
    }
}
