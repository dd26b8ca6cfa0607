package dev.wasmesh.cli.build;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** One command of a build, run in the project directory with extra environment variables. */
record BuildStep(List<String> command, Map<String, String> environment) {
    BuildStep(String... command) {
        this(List.of(command), Map.of());
    }

    /** The command as a user would type it in a shell, for progress lines and error messages. */
    String display() {
        String env = environment.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue() + " ")
                .sorted()
                .collect(Collectors.joining());
        return env + String.join(" ", command);
    }
}
