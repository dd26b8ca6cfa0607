package dev.wasmesh.proxy.wasm;

import dev.wasmesh.host.PluginConfig;
import dev.wasmesh.host.module.ProxyWasmModule;
import dev.wasmesh.proxy.config.FilterConfig;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A filter whose module has been fetched, checked and compiled once; each worker instantiates it.
 *
 * @param codeDigest the SHA-256 of the module's bytes, hex: plugins with the same code may share a VM
 */
public record LoadedFilter(FilterConfig config, ProxyWasmModule module, String codeDigest) {
    static LoadedFilter of(FilterConfig config, ProxyWasmModule module, byte[] code) {
        try {
            return new LoadedFilter(
                    config,
                    module,
                    HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(code)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    public PluginConfig plugin() {
        return config.plugin();
    }

    /** The name access logs and stats use: the plugin name, else the root id, else the module's file name. */
    String label() {
        PluginConfig p = config.plugin();
        return !p.name().isEmpty() ? p.name() : !p.rootId().isEmpty() ? p.rootId() : module.name();
    }
}
