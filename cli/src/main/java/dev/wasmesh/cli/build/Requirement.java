package dev.wasmesh.cli.build;

import java.util.Optional;

/** Something a build needs on this machine; {@link #problem()} says what is missing and how to install it. */
@FunctionalInterface
interface Requirement {
    Optional<String> problem();
}
