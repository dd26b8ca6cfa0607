package dev.wasmesh.proxy.config;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads a filter from a local path or a {@code file:} URI. */
final class LocalFileSource implements ModuleSource {
    static boolean isLocal(String location) {
        return location.startsWith("file:") || !location.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*");
    }

    static Path path(String location) {
        return location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
    }

    @Override
    public boolean handles(String location) {
        return isLocal(location);
    }

    @Override
    public byte[] fetch(String location, String sha256) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path(location));
        } catch (NoSuchFileException e) {
            throw new IOException(location + ": no such file", e);
        }
        ModuleSources.verify(location, bytes, sha256);
        return bytes;
    }
}
