package dev.wasmesh.cli.init;

import dev.wasmesh.cli.CliException;
import dev.wasmesh.cli.ExitCode;
import dev.wasmesh.cli.project.Language;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/** What a new project is made of. Names end up in package files and source strings, hence the strict patterns. */
public record ProjectSettings(Language language, String name, String rootId) {
    /** Valid as an npm package, a Cargo crate and a Go module name alike. */
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
    /** Safe to embed unquoted in YAML and inside string literals of every template language. */
    private static final Pattern ROOT_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

    public ProjectSettings {
        checkName(name);
        checkRootId(rootId);
    }

    /** The name Cargo gives the library file: dashes become underscores. */
    public String crateName() {
        return name.replace('-', '_');
    }

    public static void checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new CliException(
                    ExitCode.USAGE,
                    "invalid name '" + name
                            + "': use lower-case letters, digits, '-' and '_', starting with a letter (at most 63)");
        }
    }

    public static void checkRootId(String rootId) {
        if (!ROOT_ID.matcher(rootId).matches()) {
            throw new CliException(
                    ExitCode.USAGE,
                    "invalid root id '" + rootId + "': use letters, digits, '_', '.', ':' and '-' (at most 128)");
        }
    }

    /** A valid name derived from the directory, e.g. {@code My Filter} becomes {@code my-filter}. */
    public static String defaultName(Path dir) {
        Path fileName = dir.toAbsolutePath().normalize().getFileName();
        String raw = fileName == null ? "" : fileName.toString().toLowerCase(Locale.ROOT);
        String cleaned =
                raw.replaceAll("[^a-z0-9_-]+", "-").replaceAll("^[^a-z]+", "").replaceAll("-+$", "");
        if (cleaned.length() > 63) {
            cleaned = cleaned.substring(0, 63);
        }
        return cleaned.isEmpty() ? "filter" : cleaned;
    }
}
