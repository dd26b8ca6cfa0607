package dev.wasmesh.cli.init;

import dev.wasmesh.cli.CliException;
import dev.wasmesh.cli.ExitCode;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/**
 * The project files for a language: resources under {@code templates/common} and {@code templates/<language>}
 * (the latter wins on the same path), with {@code {{name}}}, {@code {{rootId}}} and {@code {{crateName}}}
 * filled in. A file name starting with {@code _} is written with a leading dot instead, because build
 * tools skip dot files such as {@code .gitignore} when they package resources.
 */
public final class Template {
    private static final String ROOT = "/templates";

    private Template() {}

    /** Relative path (with '/') to file content, sorted by path. */
    public static Map<String, byte[]> render(ProjectSettings settings) {
        Map<String, byte[]> files = new TreeMap<>();
        for (String part : new String[] {"common", settings.language().id()}) {
            read(part, (path, text) -> files.put(path, fill(text, settings).getBytes(StandardCharsets.UTF_8)));
        }
        return files;
    }

    private static String fill(String text, ProjectSettings settings) {
        return text.replace("{{name}}", settings.name())
                .replace("{{rootId}}", settings.rootId())
                .replace("{{crateName}}", settings.crateName());
    }

    private static void read(String part, BiConsumer<String, String> consumer) {
        URL url = Template.class.getResource(ROOT + "/" + part);
        if (url == null) {
            throw new CliException(ExitCode.IO_ERROR, "wasmesh is missing its templates for " + part);
        }
        try {
            URI uri = url.toURI();
            if ("jar".equals(uri.getScheme())) {
                try (FileSystem jar = openJar(uri)) {
                    walk(jar.provider().getPath(uri), consumer);
                }
            } else {
                walk(Path.of(uri), consumer);
            }
        } catch (IOException | URISyntaxException e) {
            throw new CliException(
                    ExitCode.IO_ERROR, "cannot read the templates for " + part + ": " + e.getMessage(), e);
        }
    }

    private static FileSystem openJar(URI uri) throws IOException {
        try {
            return FileSystems.newFileSystem(uri, Map.of());
        } catch (FileSystemAlreadyExistsException e) {
            throw new IOException("the wasmesh jar is already open", e);
        }
    }

    private static void walk(Path root, BiConsumer<String, String> consumer) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path file : (Iterable<Path>) paths.filter(Files::isRegularFile).sorted()::iterator) {
                String relative = root.relativize(file)
                        .toString()
                        .replace(root.getFileSystem().getSeparator(), "/");
                consumer.accept(outputName(relative), Files.readString(file, StandardCharsets.UTF_8));
            }
        }
    }

    private static String outputName(String relative) {
        int slash = relative.lastIndexOf('/');
        String dir = relative.substring(0, slash + 1);
        String name = relative.substring(slash + 1);
        return name.startsWith("_") ? dir + "." + name.substring(1) : relative;
    }
}
