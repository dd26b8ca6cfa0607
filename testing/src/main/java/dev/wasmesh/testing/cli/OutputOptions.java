package dev.wasmesh.testing.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The {@code --output} option for commands whose result a script may read: {@code text} for people,
 * {@code json} for one JSON object on stdout (everything else, such as build logs, goes to stderr).
 * Mix it in as a field named {@value #MIXIN_NAME} so errors are reported in the same format.
 */
public final class OutputOptions {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static final String MIXIN_NAME = "output";

    /** Lower-case names so help and completion show the values users type. */
    public enum Format {
        TEXT,
        JSON;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    @Option(
            names = "--output",
            paramLabel = "FORMAT",
            defaultValue = "text",
            description = "Result format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    private Format format = Format.TEXT;

    public boolean json() {
        return format == Format.JSON;
    }

    /** Prints the result: the JSON object in json mode, else the human text. */
    public void print(PrintWriter out, Map<String, ?> result, String text) {
        out.println(json() ? json(result) : text);
        out.flush();
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }
}
