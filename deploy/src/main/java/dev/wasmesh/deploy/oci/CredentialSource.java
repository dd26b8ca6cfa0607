package dev.wasmesh.deploy.oci;

import java.util.Optional;

/** Finds the credentials for a registry host, if there are any. */
@FunctionalInterface
public interface CredentialSource {
    Optional<Credentials> lookup(String registry);

    static CredentialSource anonymous() {
        return registry -> Optional.empty();
    }

    /** Credentials given on the command line win over whatever else knows the registry. */
    static CredentialSource fixed(Credentials credentials, CredentialSource otherwise) {
        return registry -> Optional.of(credentials).or(() -> otherwise.lookup(registry));
    }
}
