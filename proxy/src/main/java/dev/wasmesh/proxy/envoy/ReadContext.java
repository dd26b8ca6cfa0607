package dev.wasmesh.proxy.envoy;

import dev.wasmesh.config.ConfigMap;
import dev.wasmesh.host.abi.LogLevel;
import dev.wasmesh.proxy.config.ProxyConfig;
import java.nio.file.Path;

/**
 * What the readers of one bootstrap share: the configuration being built (its clusters are read first, so routes
 * and TCP proxies can check theirs), where relative file names resolve, and the plugins' log level.
 *
 * @param baseDir what relative file names are resolved against (Envoy uses its working directory)
 */
record ReadContext(ProxyConfig config, Path baseDir, LogLevel logLevel) {
    /** Accepts {@code key} if present, with a notice that it changes nothing here. */
    void notice(ConfigMap n, String key, String why) {
        if (n.has(key)) {
            n.accept(key);
            config.notices().add(n.child(key) + ": accepted and not used (" + why + ")");
        }
    }

    Path resolve(String file) {
        Path p = Path.of(file);
        return p.isAbsolute() ? p : baseDir.resolve(p);
    }
}
