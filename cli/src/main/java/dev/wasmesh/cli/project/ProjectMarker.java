package dev.wasmesh.cli.project;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wasmesh.cli.CliException;
import dev.wasmesh.cli.ExitCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The {@value #FILE} file {@code wasmesh init} writes, so {@code wasmesh build} need not guess the language. */
public record ProjectMarker(Language language, String name, String rootId) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static final String FILE = ".wasmesh.json";

    public String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("language", language.id());
        json.put("name", name);
        json.put("rootId", rootId);
        try {
            return JSON.writeValueAsString(json) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The marker in {@code dir}, if any; a marker that is present but unreadable is a usage error. */
    public static Optional<ProjectMarker> read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            Object parsed = JSON.readValue(Files.readString(file, StandardCharsets.UTF_8), Object.class);
            if (!(parsed instanceof Map<?, ?> map) || !(map.get("language") instanceof String id)) {
                throw new CliException(ExitCode.USAGE, file + ": expected an object with a \"language\" string");
            }
            Language language = Language.byId(id)
                    .orElseThrow(() -> new CliException(
                            ExitCode.USAGE, file + ": unknown language '" + id + "' (one of " + Language.ids() + ")"));
            return Optional.of(
                    new ProjectMarker(language, stringOrEmpty(map.get("name")), stringOrEmpty(map.get("rootId"))));
        } catch (JsonProcessingException e) {
            throw new CliException(ExitCode.USAGE, file + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new CliException(ExitCode.IO_ERROR, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static String stringOrEmpty(Object value) {
        return value instanceof String s ? s : "";
    }
}
