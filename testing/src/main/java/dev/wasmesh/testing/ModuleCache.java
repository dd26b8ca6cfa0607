package dev.wasmesh.testing;

import dev.wasmesh.host.module.ModuleLoadException;
import dev.wasmesh.host.module.ProxyWasmModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiled modules by content and engine, so a test class (or a scenario file) that starts many harnesses on one
 * filter compiles it once. Modules are immutable, so sharing them between VMs is safe.
 */
final class ModuleCache {
    private static final Map<String, ProxyWasmModule> CACHE = new ConcurrentHashMap<>();

    private ModuleCache() {}

    static ProxyWasmModule load(Path file, ProxyWasmModule.Engine engine) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            // Let the host produce its usual one-line message for a missing or unreadable file.
            return uncached(file, engine);
        }
        return load(file.getFileName().toString(), bytes, engine);
    }

    static ProxyWasmModule load(String name, byte[] bytes, ProxyWasmModule.Engine engine) {
        String key = engine + ":" + sha256(bytes);
        ProxyWasmModule cached = CACHE.get(key);
        if (cached != null) {
            return cached;
        }
        try {
            ProxyWasmModule module = ProxyWasmModule.fromBytes(name, bytes, engine);
            CACHE.putIfAbsent(key, module);
            return module;
        } catch (ModuleLoadException e) {
            throw new FilterLoadException(e.getMessage(), e);
        }
    }

    private static ProxyWasmModule uncached(Path file, ProxyWasmModule.Engine engine) {
        try {
            return ProxyWasmModule.load(file, engine);
        } catch (ModuleLoadException e) {
            throw new FilterLoadException(e.getMessage(), e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
